using System.Diagnostics;

namespace Overlay.Fuse.Tests.Support;

/// <summary>Runs real programs (sh, tar, git…) and reports what they printed.</summary>
internal static class Run
{
    /// <summary>Runs <paramref name="file"/> with <paramref name="arguments"/> in <paramref name="directory"/>; throws with its output when it fails.</summary>
    public static string Checked(string directory, string file, params string[] arguments)
    {
        var (code, output) = Program(directory, file, arguments);
        if (code != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited with {code}:\n{output}");
        }

        return output;
    }

    /// <summary>A shell script, run with sh -c in <paramref name="directory"/>.</summary>
    public static string Shell(string directory, string script) => Checked(directory, "/bin/sh", "-c", script);

    public static (int ExitCode, string Output) Program(string directory, string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + error.Result);
    }

    /// <summary>Whether a program is on the PATH.</summary>
    public static bool Has(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':').Any(d => File.Exists(Path.Combine(d, program)));
}
