namespace Overlay.Layers.Host;

/// <content>
/// A switch for tests only: a storage failing under the layer (a disk answering EIO, a permission
/// taken away) is hard to make on demand, so every wrapper that reads the layer's storage asks
/// <see cref="Fault"/> first and fails with the errno it answers, without making the call.
/// </content>
internal static partial class LinuxSyscalls
{
    /// <summary>
    /// Unset in production. When set, called with the wrapper's name (<c>statx</c>, <c>getxattr</c>,
    /// <c>listxattr</c>, <c>open</c>, <c>openat2</c>, <c>getdents</c>, <c>unlink</c>) and the path it is about to
    /// use; a non-zero answer is returned as that call's errno instead of calling it.
    /// </summary>
    private static volatile Func<string, string, int>? s_fault;

    /// <summary>The test hook described on <see cref="s_fault"/>; set by tests only, and reset by them.</summary>
    internal static Func<string, string, int>? Fault
    {
        get => s_fault;
        set => s_fault = value;
    }

    /// <summary>The errno <see cref="Fault"/> injects for a call, or 0 (the usual case: no hook).</summary>
    private static int Injected(string call, string path) => s_fault is { } fault ? fault(call, path) : 0;
}
