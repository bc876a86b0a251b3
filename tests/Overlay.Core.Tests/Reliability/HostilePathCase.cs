using System.IO.Abstractions;
using Overlay.Tests.Support;

namespace Overlay.Tests.Reliability;

/// <summary>
/// One crafted input: what it does through the overlay (<paramref name="Run"/>, given the file
/// system and the sentinel folder outside every layer) and the outcome System.IO gives for it on
/// a kernel mount, as <see cref="Outcome"/> renders it; <paramref name="OciOutcome"/> when a
/// layer in the OCI whiteout form (the host and MockFileSystem backends) must answer otherwise.
/// </summary>
/// <param name="Name">The case's name.</param>
/// <param name="Run">The calls; returns what the last read returns, or null.</param>
/// <param name="Expected">The outcome.</param>
/// <param name="OciOutcome">The outcome on an OCI-form upper, when it differs.</param>
public sealed record HostilePathCase(string Name, Func<IFileSystem, string, object?> Run, string Expected, string? OciOutcome = null)
{
    /// <inheritdoc />
    public override string ToString() => Name;
}
