using System.Globalization;
using System.IO.Abstractions;

namespace Overlay.Tests.KernelScenarios;

/// <summary>
/// Replays a <see cref="KernelScenario"/> on an <see cref="IScenarioTarget"/>, step by step: applies
/// the operation exactly as the fixture's README says, formats its outcome as recorded, then takes
/// the merged tree (<see cref="MergedTreeDumper"/>) and the upper layer
/// (<see cref="IScenarioTarget.DumpUpper"/>) and compares all three with the recording. Stops at the
/// first difference.
/// </summary>
public static class ScenarioReplayer
{
    /// <summary>The outcome of an operation that threw nothing.</summary>
    public const string Ok = "ok";

    /// <summary>Builds a target with <paramref name="factory"/>, replays on it, disposes it.</summary>
    public static ScenarioReplayResult Replay(KernelScenario scenario, ScenarioTargetFactory factory)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(factory);
        using var target = factory(scenario);
        return Replay(scenario, target);
    }

    /// <summary>Replays every step on <paramref name="target"/> (which must be fresh) until the first mismatch.</summary>
    public static ScenarioReplayResult Replay(KernelScenario scenario, IScenarioTarget target)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(target);
        for (var i = 0; i < scenario.Steps.Count; i++)
        {
            var expected = scenario.Steps[i];
            var outcome = Apply(expected.Op, target.FileSystem, target.Root);
            var merged = Capture(() => MergedTreeDumper.Dump(target.FileSystem, target.Root));
            var upper = Capture(() => TreeLines.Sort(target.DumpUpper()));
            if (!string.Equals(outcome, expected.Outcome, StringComparison.Ordinal)
                || !merged.SequenceEqual(expected.Merged, StringComparer.Ordinal)
                || !upper.SequenceEqual(expected.Upper, StringComparer.Ordinal))
            {
                return new ScenarioReplayResult(
                    scenario,
                    i,
                    new ScenarioMismatch(scenario, i, outcome, merged, upper, Describe(target)));
            }
        }

        return new ScenarioReplayResult(scenario, scenario.Steps.Count, null);
    }

    /// <summary>Replays and fails the test with the mismatch report if a step differs.</summary>
    public static void AssertReplays(KernelScenario scenario, IScenarioTarget target)
    {
        var result = Replay(scenario, target);
        if (result.Mismatch is { } mismatch)
        {
            Assert.Fail(mismatch.Report());
        }
    }

    /// <summary>
    /// Applies one operation through <paramref name="fileSystem"/> with paths under
    /// <paramref name="root"/>, and returns its outcome as recorded: <c>ok</c>, or the exception's
    /// type name and decimal HResult. Only what the operation itself throws is an outcome: an
    /// operation the harness cannot interpret throws <see cref="InvalidOperationException"/>.
    /// </summary>
    public static string Apply(ScenarioOp op, IFileSystem fileSystem, string root)
    {
        ArgumentNullException.ThrowIfNull(op);
        ArgumentNullException.ThrowIfNull(fileSystem);
        ArgumentNullException.ThrowIfNull(root);
        var action = Bind(op, fileSystem, root);
        try
        {
            action();
            return Ok;
        }
#pragma warning disable CA1031 // Every exception of the operation under test is its outcome.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return FormatOutcome(ex);
        }
    }

    /// <summary><c>TypeName HResult</c>, e.g. <c>IOException 17</c>, <c>DirectoryNotFoundException -2147024893</c>.</summary>
    public static string FormatOutcome(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.GetType().Name + " " + exception.HResult.ToString(CultureInfo.InvariantCulture);
    }

    private static Action Bind(ScenarioOp op, IFileSystem fs, string root)
    {
        string Full(string? relative, string argument) => relative is null
            ? throw new InvalidOperationException($"{op.Name} without '{argument}': {op.RawJson}")
            : ScenarioPaths.Combine(root, relative);

        T Required<T>(T? value, string argument)
            where T : struct => value ?? throw new InvalidOperationException($"{op.Name} without '{argument}': {op.RawJson}");

        string RequiredText(string? value, string argument) =>
            value ?? throw new InvalidOperationException($"{op.Name} without '{argument}': {op.RawJson}");

        switch (op.Name)
        {
            case "WriteAllText":
            {
                var path = Full(op.Path, "path");
                var text = RequiredText(op.Text, "text");
                return () => fs.File.WriteAllText(path, text);
            }

            case "AppendAllText":
            {
                var path = Full(op.Path, "path");
                var text = RequiredText(op.Text, "text");
                return () => fs.File.AppendAllText(path, text);
            }

            case "Truncate":
            {
                var path = Full(op.Path, "path");
                var length = Required(op.Length, "length");
                return () =>
                {
                    using var stream = fs.FileStream.New(path, FileMode.Open, FileAccess.Write);
                    stream.SetLength(length);
                };
            }

            case "OpenReadWriteAndClose":
            {
                var path = Full(op.Path, "path");
                return () => fs.FileStream.New(path, FileMode.Open, FileAccess.ReadWrite).Dispose();
            }

            case "ReadAllBytes":
            {
                var path = Full(op.Path, "path");
                return () => _ = fs.File.ReadAllBytes(path);
            }

            case "DeleteFileMustExist":
            {
                var path = Full(op.Path, "path");
                return () =>
                {
                    if (!fs.File.Exists(path) && fs.FileInfo.New(path).LinkTarget is null)
                    {
                        throw new FileNotFoundException($"Could not find file '{path}'.", path);
                    }

                    fs.File.Delete(path);
                };
            }

            case "CreateDirectoryMustNotExist":
            {
                var path = Full(op.Path, "path");
                return () =>
                {
                    if (fs.Directory.Exists(path) || fs.File.Exists(path))
                    {
                        throw new IOException($"'{path}' already exists.");
                    }

                    fs.Directory.CreateDirectory(path);
                };
            }

            case "DeleteDirectory":
            {
                var path = Full(op.Path, "path");
                return () => fs.Directory.Delete(path, false);
            }

            case "DeleteDirectoryRecursive":
            {
                var path = Full(op.Path, "path");
                return () => fs.Directory.Delete(path, true);
            }

            case "MoveFileOverwrite":
            {
                var from = Full(op.From, "from");
                var to = Full(op.To, "to");
                return () => fs.File.Move(from, to, overwrite: true);
            }

            case "MoveDirectory":
            {
                var from = Full(op.From, "from");
                var to = Full(op.To, "to");
                return () => fs.Directory.Move(from, to);
            }

            case "SetUnixFileMode":
            {
                var path = Full(op.Path, "path");
                var mode = TreeLines.ParseMode(RequiredText(op.Mode, "mode"));
                return () =>
                {
                    if (OperatingSystem.IsWindows())
                    {
                        throw new PlatformNotSupportedException("Unix file modes are not available on Windows.");
                    }

                    fs.File.SetUnixFileMode(path, mode);
                };
            }

            case "SetLastWriteTimeUtc":
            {
                var path = Full(op.Path, "path");
                var time = new DateTime(Required(op.Ticks, "ticks"), DateTimeKind.Utc);
                return () => fs.File.SetLastWriteTimeUtc(path, time);
            }

            case "CreateSymbolicLink":
            {
                var path = Full(op.Path, "path");
                var target = RequiredText(op.Target, "target");
                return () => fs.File.CreateSymbolicLink(path, target);
            }

            default:
                throw new InvalidOperationException($"Unknown operation '{op.Name}': {op.RawJson}");
        }
    }

    private static IReadOnlyList<string> Capture(Func<IReadOnlyList<string>> dump)
    {
        try
        {
            return dump();
        }
#pragma warning disable CA1031 // A failing dump is reported as a mismatch, with the step's context.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return [$"<dump failed: {ex.GetType().Name}: {ex.Message}>"];
        }
    }

    private static string Describe(IScenarioTarget target)
    {
        var text = target.ToString() ?? target.GetType().Name;
        return text.Contains(target.Root, StringComparison.Ordinal) ? text : $"{text} (root {target.Root})";
    }
}
