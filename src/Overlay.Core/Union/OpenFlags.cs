namespace Overlay.Union;

/// <summary>The open(2) flags the engine honours.</summary>
[Flags]
internal enum OpenFlags
{
    None = 0,
    Read = 1,
    Write = 2,
    ReadWrite = Read | Write,

    /// <summary>O_CREAT: create the file when the name is free (through a dangling link: its target).</summary>
    Create = 4,

    /// <summary>O_EXCL with O_CREAT: fail with EEXIST when the name is taken, links included.</summary>
    Exclusive = 8,

    /// <summary>O_TRUNC.</summary>
    Truncate = 16,
}
