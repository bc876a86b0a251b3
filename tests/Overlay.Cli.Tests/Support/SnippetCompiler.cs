using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Overlay.Cli.Tests.Support;

/// <summary>
/// Compiles C# as a new console project would: the SDK's implicit usings only, nullable on, every
/// assembly of this test app referenced (Overlay.Core among them, without its internals).
/// </summary>
internal static class SnippetCompiler
{
    /// <summary>The global usings of a new SDK console project (ImplicitUsings=enable).</summary>
    public static readonly string[] ImplicitUsings =
    [
        "System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks",
    ];

    private static readonly Lazy<MetadataReference[]> References = new(() =>
        [.. ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Select(path => MetadataReference.CreateFromFile(path))]);

    public static CSharpCompilation Compile(string program, CancellationToken cancellationToken, OutputKind kind = OutputKind.ConsoleApplication)
    {
        var globalUsings = CSharpSyntaxTree.ParseText(string.Concat(ImplicitUsings.Select(u => $"global using {u};\n")), cancellationToken: cancellationToken);
        return CSharpCompilation.Create(
            "Snippet",
            [CSharpSyntaxTree.ParseText(program, cancellationToken: cancellationToken), globalUsings],
            References.Value,
            new CSharpCompilationOptions(kind, nullableContextOptions: NullableContextOptions.Enable));
    }

    /// <summary>The errors of a program, as "CS1503: message" lines.</summary>
    public static List<string> Errors(string program, CancellationToken cancellationToken) =>
        [.. Compile(program, cancellationToken).GetDiagnostics(cancellationToken)
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .Select(d => $"{d.Id}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}")];
}
