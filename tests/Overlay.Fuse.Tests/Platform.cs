// The tests mount FUSE file systems: Linux only (each one skips elsewhere).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
