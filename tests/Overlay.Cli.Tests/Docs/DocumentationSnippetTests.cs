using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Overlay.Cli.Tests.Support;

namespace Overlay.Cli.Tests.Docs;

/// <summary>
/// Every ```csharp block of docs/*.md and README.md compiles and runs, so the guides cannot go
/// stale. The blocks of one page form one program, in order (as the pages say), compiled with
/// Roslyn against the test's own references and run; their using directives are gathered at the
/// top. Test classes a page declares have their [Fact] methods run.
/// </summary>
public partial class DocumentationSnippetTests
{
    public static TheoryData<string> Pages()
    {
        var pages = new TheoryData<string>();
        foreach (var page in Directory.GetFiles(Path.Combine(Repository.Root, "docs"), "*.md").Append(Path.Combine(Repository.Root, "README.md")).Order(StringComparer.Ordinal))
        {
            if (Blocks(File.ReadAllText(page)).Count > 0)
            {
                pages.Add(Path.GetRelativePath(Repository.Root, page));
            }
        }

        return pages;
    }

    [Fact]
    public void Pages_IncludeEveryPageWithCSharp()
    {
        Pages().Select(p => p.Data).Should().Contain(["README.md", "docs/concepts.md", "docs/testing-with-overlay.md", "docs/api.md"]);
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void Snippets_OfAPage_CompileAndRun(string page)
    {
        var blocks = Blocks(File.ReadAllText(Path.Combine(Repository.Root, page)));
        // The implicit usings of an SDK project, and the namespaces the pages say their snippets assume.
        var usings = new SortedSet<string>(StringComparer.Ordinal)
        {
            "System", "System.IO", "System.Linq", "System.Text", "System.Collections.Generic", "System.Threading", "System.Threading.Tasks",
            "Overlay", "Overlay.Layers",
        };
        var code = new List<string>();
        foreach (var block in blocks)
        {
            foreach (var line in block.Split('\n'))
            {
                if (UsingDirective().Match(line) is { Success: true } directive)
                {
                    usings.Add(directive.Groups[1].Value);
                }
                else
                {
                    code.Add(line);
                }
            }
        }

        // One program per page: top-level statements first, then the types the page declares
        // (C# wants them in that order; the pages interleave them for reading).
        var parsed = CSharpSyntaxTree.ParseText(string.Join('\n', code), cancellationToken: TestContext.Current.CancellationToken).GetCompilationUnitRoot(TestContext.Current.CancellationToken);
        var statements = parsed.Members.OfType<GlobalStatementSyntax>().Cast<MemberDeclarationSyntax>();
        var types = parsed.Members.Where(m => m is not GlobalStatementSyntax);
        var program = SyntaxFactory.CompilationUnit().WithMembers(SyntaxFactory.List(statements.Concat(types)));
        var globalUsings = CSharpSyntaxTree.ParseText(string.Concat(usings.Select(u => $"global using {u};\n")), cancellationToken: TestContext.Current.CancellationToken);
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Select(path => MetadataReference.CreateFromFile(path));
        var compilation = CSharpCompilation.Create(
            "Snippets",
            [CSharpSyntaxTree.ParseText(program.ToFullString(), cancellationToken: TestContext.Current.CancellationToken), globalUsings],
            references,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        using var image = new MemoryStream();
        var result = compilation.Emit(image, cancellationToken: TestContext.Current.CancellationToken);
        result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString())
            .Should().BeEmpty($"the C# of {page} must compile");

        var assembly = Assembly.Load(image.ToArray());
        string previous = Directory.GetCurrentDirectory();
        using var temp = new TempDirectory();
        Directory.SetCurrentDirectory(temp.Path);
        try
        {
            var entry = assembly.EntryPoint!;
            entry.Invoke(null, entry.GetParameters().Length == 0 ? null : [Array.Empty<string>()]);

            // The test classes a page declares: their [Fact] methods must pass.
            foreach (var type in assembly.GetTypes().Where(t => !t.IsAbstract))
            {
                foreach (var method in type.GetMethods().Where(m => m.GetCustomAttribute<FactAttribute>() is not null))
                {
                    method.Invoke(Activator.CreateInstance(type), null);
                }
            }
        }
        finally
        {
            Directory.SetCurrentDirectory(previous);
        }

    }

    internal static List<string> Blocks(string markdown) =>
        [.. CSharpBlock().Matches(markdown.Replace("\r\n", "\n", StringComparison.Ordinal)).Select(m => Dedent(m.Groups[2].Value, m.Groups[1].Value.Length))];

    private static string Dedent(string block, int indent) =>
        string.Join('\n', block.Split('\n').Select(l => l.Length >= indent && string.IsNullOrWhiteSpace(l[..indent]) ? l[indent..] : l.TrimStart()));

    [GeneratedRegex(@"^([ \t]*)```csharp[ \t]*\n(.*?)\n[ \t]*```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();

    [GeneratedRegex(@"^\s*using\s+([A-Za-z_][\w.]*)\s*;\s*$")]
    private static partial Regex UsingDirective();
}
