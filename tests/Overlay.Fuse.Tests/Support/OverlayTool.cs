namespace Overlay.Fuse.Tests.Support;

/// <summary>The overlay tool built beside the tests, and the mount helper that points at it.</summary>
internal static class OverlayTool
{
    /// <summary>The tool's apphost in the test's output directory.</summary>
    public static string Path { get; } = System.IO.Path.Combine(AppContext.BaseDirectory, "overlay");

    /// <summary>
    /// Installs /sbin/mount.fuse.TYPE for a FUSE type unique to this test run, so mount(8) runs the
    /// tool built here; disposing removes it.
    /// </summary>
    public static MountHelper InstallHelper() => new();

    internal sealed class MountHelper : IDisposable
    {
        public MountHelper()
        {
            Type = $"overlaynet-test{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";
            ScriptPath = $"/sbin/mount.fuse.{Type}";
            File.WriteAllText(ScriptPath, $"#!/bin/sh\nexec '{OverlayTool.Path}' mount-helper \"$@\" -t fuse.{Type}\n");
            File.SetUnixFileMode(ScriptPath, (UnixFileMode)0b111_101_101);
        }

        /// <summary>The FUSE subtype: mount -t fuse.TYPE.</summary>
        public string Type { get; }

        public string ScriptPath { get; }

        public void Dispose() => File.Delete(ScriptPath);
    }
}
