using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Overlay.Cli.Tests.Support;

namespace Overlay.Cli.Tests.Docs;

/// <summary>
/// Every ```csharp block of docs/*.md and README.md compiles and runs as pasted into a new console
/// project: each block is its own program, with the implicit usings of an SDK project and only the
/// using directives the block itself shows (nothing added by the test). A block fenced
/// <c>```csharp continued</c> goes on with the program of the blocks before it (a page that tells
/// one story, and says so): it is compiled after them, as a reader pasting them in order would, and
/// its own using directives are not allowed (they would land mid-file). Test classes a block
/// declares have their [Fact] methods run.
/// </summary>
public partial class DocumentationSnippetTests
{
    public static TheoryData<string, int> Snippets()
    {
        var snippets = new TheoryData<string, int>();
        foreach (var page in Directory.GetFiles(Path.Combine(Repository.Root, "docs"), "*.md").Append(Path.Combine(Repository.Root, "README.md")).Order(StringComparer.Ordinal))
        {
            int count = Blocks(File.ReadAllText(page)).Count;
            for (int i = 0; i < count; i++)
            {
                snippets.Add(Path.GetRelativePath(Repository.Root, page), i + 1);
            }
        }

        return snippets;
    }

    [Fact]
    public void Snippets_IncludeEveryPageWithCSharp()
    {
        Snippets().Select(p => (string)p.Data.Item1).Distinct().Should().Contain(["README.md", "docs/concepts.md", "docs/testing-with-overlay.md", "docs/api.md", "docs/oci-export.md"]);
    }

    [Theory]
    [MemberData(nameof(Snippets))]
    public void Snippet_AsPastedIntoANewProject_CompilesAndRuns(string page, int block)
    {
        var blocks = Blocks(File.ReadAllText(Path.Combine(Repository.Root, page)));
        int first = block - 1;
        while (first > 0 && blocks[first].Continued)
        {
            first--;
        }

        blocks.Skip(first + 1).Take(block - 1 - first).Where(b => UsingLine().IsMatch(b.Code)).Should().BeEmpty(
            "a continued block is pasted below the others, where a using directive does not compile");
        string code = string.Join('\n', blocks.Skip(first).Take(block - first).Select(b => b.Code));

        // Top-level statements first, then the types the block declares (a block may show a type
        // before the lines that use it, for reading).
        var parsed = CSharpSyntaxTree.ParseText(code, cancellationToken: TestContext.Current.CancellationToken).GetCompilationUnitRoot(TestContext.Current.CancellationToken);
        var statements = parsed.Members.OfType<GlobalStatementSyntax>().Cast<MemberDeclarationSyntax>();
        var types = parsed.Members.Where(m => m is not GlobalStatementSyntax);
        var program = parsed.WithMembers(SyntaxFactory.List(statements.Concat(types)));
        // Blocks of types only (a test class) are a library, as in a test project.
        bool hasStatements = statements.Any();
        var compilation = SnippetCompiler.Compile(program.ToFullString(), TestContext.Current.CancellationToken,
            hasStatements ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary);
        using var image = new MemoryStream();
        var result = compilation.Emit(image, cancellationToken: TestContext.Current.CancellationToken);
        result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString())
            .Should().BeEmpty($"block {block} of {page} must compile as pasted into a new project");

        var assembly = Assembly.Load(image.ToArray());
        string previous = Directory.GetCurrentDirectory();
        using var temp = new TempDirectory();
        Directory.SetCurrentDirectory(temp.Path);
        try
        {
            if (assembly.EntryPoint is { } entry)
            {
                entry.Invoke(null, entry.GetParameters().Length == 0 ? null : [Array.Empty<string>()]);
            }

            // The test classes a block declares: their [Fact] methods must pass.
            foreach (var type in assembly.GetTypes().Where(t => !t.IsAbstract && t.GetConstructor(Type.EmptyTypes) is not null))
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

    internal static List<(string Code, bool Continued)> Blocks(string markdown) =>
        [.. CSharpBlock().Matches(markdown.Replace("\r\n", "\n", StringComparison.Ordinal))
            .Select(m => (Dedent(m.Groups[3].Value, m.Groups[1].Value.Length), m.Groups[2].Success))];

    private static string Dedent(string block, int indent) =>
        string.Join('\n', block.Split('\n').Select(l => l.Length >= indent && string.IsNullOrWhiteSpace(l[..indent]) ? l[indent..] : l.TrimStart()));

    [GeneratedRegex(@"^([ \t]*)```csharp(?:[ \t]+(continued))?[ \t]*\n(.*?)\n[ \t]*```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();

    [GeneratedRegex(@"^\s*using\s+[A-Za-z_][\w.]*\s*;\s*$", RegexOptions.Multiline)]
    private static partial Regex UsingLine();
}
