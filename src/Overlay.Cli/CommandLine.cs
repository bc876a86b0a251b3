using System.Globalization;
using System.Reflection;
using Spectre.Console.Cli;

namespace Overlay.Cli;

/// <summary>
/// Checks a command line against the options its command declares before it runs, so that a
/// misspelt option (<c>--jsn</c>), an option of another command (<c>--layers</c> for
/// <c>--layer</c>) or a value of the wrong type (<c>--layer abc</c>) stops the tool with exit code
/// 2 and a message naming the option and the valid ones, instead of being ignored.
/// </summary>
internal static class CommandLine
{
    private static readonly string[] HelpOptions = ["-h", "--help"];

    /// <summary>One option a command takes: its names, its value's name (null for a flag) and type.</summary>
    internal sealed record OptionSpec(IReadOnlyList<string> Names, string? ValueName, Type Type)
    {
        public string Display => string.Join('|', Names) + (ValueName is null ? string.Empty : $" {ValueName}");
    }

    /// <summary>The options a settings type declares (its [CommandOption] properties, inherited ones too).</summary>
    public static IReadOnlyList<OptionSpec> OptionsOf(Type settings) =>
        [.. settings.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (Property: p, Attribute: p.GetCustomAttribute<CommandOptionAttribute>()))
            .Where(p => p.Attribute is not null)
            .Select(p => new OptionSpec(
                [.. p.Attribute!.ShortNames.Select(n => "-" + n), .. p.Attribute.LongNames.Select(n => "--" + n)],
                p.Attribute.ValueName,
                Nullable.GetUnderlyingType(p.Property.PropertyType) ?? p.Property.PropertyType))
            .OrderBy(o => o.Names[^1], StringComparer.Ordinal)];

    /// <summary>Throws a usage error for the first option the command does not know or whose value is not of its type.</summary>
    public static void Check(string command, Type settings, IReadOnlyList<string> args)
    {
        var options = OptionsOf(settings);
        string valid = string.Join(", ", options.Select(o => o.Display).Append("-h|--help"));
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg == "--")
            {
                return;
            }

            if (arg.Length < 2 || arg[0] != '-' || HelpOptions.Contains(arg))
            {
                continue;
            }

            int equals = arg.IndexOf('=', StringComparison.Ordinal);
            string name = equals > 0 ? arg[..equals] : arg;
            var option = options.FirstOrDefault(o => o.Names.Contains(name, StringComparer.Ordinal))
                ?? throw new CliException(ExitCode.Usage, $"{command}: unknown option '{name}'. Valid options: {valid}.");
            if (option.ValueName is null)
            {
                continue;
            }

            string? value = equals > 0 ? arg[(equals + 1)..] : i + 1 < args.Count ? args[++i] : null;
            if (value is null)
            {
                throw new CliException(ExitCode.Usage, $"{command}: option '{name}' needs a value ({option.Display}).");
            }

            if (option.Type == typeof(int) && !int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
            {
                throw new CliException(ExitCode.Usage, $"{command}: option '{name}' takes a whole number ({option.Display}), not '{value}'.");
            }
        }
    }

    /// <summary>
    /// Joins an option and a value of "-" (standard output: <c>-o -</c>) into one argument
    /// (<c>-o=-</c>): the parser would take a lone "-" for an option.
    /// </summary>
    public static string[] JoinDashValues(Type settings, string[] args)
    {
        var withValue = OptionsOf(settings).Where(o => o.ValueName is not null).SelectMany(o => o.Names).ToHashSet(StringComparer.Ordinal);
        var joined = new List<string>(args.Length);
        for (int i = 0; i < args.Length; i++)
        {
            if (i + 1 < args.Length && args[i + 1] == "-" && withValue.Contains(args[i]))
            {
                joined.Add(args[i] + "=-");
                i++;
            }
            else
            {
                joined.Add(args[i]);
            }
        }

        return [.. joined];
    }
}
