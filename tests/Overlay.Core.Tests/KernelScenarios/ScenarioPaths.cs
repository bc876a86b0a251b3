namespace Overlay.Tests.KernelScenarios;

/// <summary>Turns a recorded path (relative to the overlay root) into a path in the target.</summary>
public static class ScenarioPaths
{
    /// <summary>
    /// <paramref name="root"/> + '/' + <paramref name="relative"/>, keeping a trailing '/' of the
    /// recorded path (it matters: a file path with a trailing '/' fails with ENOTDIR) and never
    /// doubling the separator: <c>Combine("/", "a/")</c> is <c>/a/</c>,
    /// <c>Combine("/tmp/m", "a/b")</c> is <c>/tmp/m/a/b</c>.
    /// </summary>
    public static string Combine(string root, string relative)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(relative);
        var trimmedRoot = root.TrimEnd('/');
        var trimmedRelative = relative.TrimStart('/');
        return trimmedRoot + "/" + trimmedRelative;
    }
}
