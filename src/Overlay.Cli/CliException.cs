namespace Overlay.Cli;

/// <summary>An error the tool reports to its user in one line, with the exit code it means.</summary>
internal sealed class CliException : Exception
{
    public CliException(ExitCode exitCode, string message, Exception? inner = null)
        : base(message, inner)
    {
        ExitCode = exitCode;
    }

    public ExitCode ExitCode { get; }
}
