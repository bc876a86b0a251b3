using System.Reflection;
using PublicApiGenerator;

namespace Overlay.Tests.Infrastructure;

/// <summary>
/// Guards the public API of Overlay.Core: any change to it must be approved by updating
/// <c>tests/Overlay.Core.Tests/PublicApi/Overlay.Core.approved.txt</c> (docs/versioning.md).
/// </summary>
public class PublicApiTests
{
    private const string ApprovedFileName = "Overlay.Core.approved.txt";
    private const string ReceivedFileName = "Overlay.Core.received.txt";

    [Fact]
    public void PublicApi_WhenGenerated_MatchesApprovedFile()
    {
        var received = Normalize(GeneratePublicApi());
        var directory = Path.Combine(TestRepository.ProjectDirectory, "PublicApi");
        var approvedPath = Path.Combine(directory, ApprovedFileName);
        var receivedPath = Path.Combine(directory, ReceivedFileName);

        var approved = File.Exists(approvedPath) ? Normalize(File.ReadAllText(approvedPath)) : null;
        if (approved == received)
        {
            // A stale received file from an earlier failing run would only confuse the next reader.
            File.Delete(receivedPath);
            return;
        }

        Directory.CreateDirectory(directory);
        File.WriteAllText(receivedPath, received);
        Assert.Fail(
            (approved is null
                ? $"There is no approved public API file at {approvedPath}."
                : $"The public API of Overlay.Core differs from {approvedPath}.")
            + Environment.NewLine
            + $"The generated API was written to {receivedPath}."
            + Environment.NewLine
            + "If the change is intended, approve it by copying the received file over the approved one:"
            + Environment.NewLine
            + $"  cp \"{receivedPath}\" \"{approvedPath}\""
            + Environment.NewLine
            + "and commit the approved file with the change (see docs/versioning.md)."
            + Environment.NewLine
            + Diff(approved ?? string.Empty, received));
    }

    private static string GeneratePublicApi()
    {
        var options = new ApiGeneratorOptions
        {
            // Assembly attributes carry the version, commit and repository URL: they change with
            // every build configuration and say nothing about the API.
            IncludeAssemblyAttributes = false,
            ExcludeAttributes =
            [
                "System.Diagnostics.DebuggerDisplayAttribute",
                "System.Diagnostics.DebuggerNonUserCodeAttribute",
                "System.Diagnostics.DebuggerStepThroughAttribute",
                "System.Diagnostics.CodeAnalysis.ExcludeFromCodeCoverageAttribute",
                "System.Runtime.CompilerServices.CompilerGeneratedAttribute",
            ],
        };
        return OverlayCoreAssembly.GeneratePublicApi(options);
    }

    private static Assembly OverlayCoreAssembly => typeof(OverlayFileSystem).Assembly;

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd() + "\n";

    /// <summary>The first differing lines, so a CI log shows what changed without the files.</summary>
    private static string Diff(string approved, string received)
    {
        const int MaxLines = 40;
        var approvedLines = new HashSet<string>(approved.Split('\n'), StringComparer.Ordinal);
        var receivedLines = new HashSet<string>(received.Split('\n'), StringComparer.Ordinal);
        var removed = approved.Split('\n').Where(line => !receivedLines.Contains(line)).Select(line => "- " + line);
        var added = received.Split('\n').Where(line => !approvedLines.Contains(line)).Select(line => "+ " + line);
        var lines = removed.Concat(added).ToList();
        var shown = string.Join(Environment.NewLine, lines.Take(MaxLines));
        return lines.Count > MaxLines ? shown + Environment.NewLine + $"... and {lines.Count - MaxLines} more" : shown;
    }
}
