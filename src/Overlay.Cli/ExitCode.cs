namespace Overlay.Cli;

/// <summary>What the overlay tool's exit status means (docs/cli.md lists them).</summary>
internal enum ExitCode
{
    /// <summary>The command did what was asked.</summary>
    Success = 0,

    /// <summary>The path asked about is not in the merged view (cat, tree PATH, explain).</summary>
    PathNotFound = 1,

    /// <summary>The command line is wrong: unknown command or option, missing or invalid argument.</summary>
    Usage = 2,

    /// <summary>An input named on the command line does not exist.</summary>
    InputNotFound = 3,

    /// <summary>An input exists but is not an image or a layer: not a tar, a corrupt tar, a bad manifest.</summary>
    NotAnImage = 4,

    /// <summary>Reading or writing failed (an output that cannot be written, a disk error).</summary>
    IoError = 5,
}
