using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;
using Overlay.Cli.Tests.Support;

namespace Overlay.Cli.Tests.Docs;

/// <summary>
/// Every ```csharp block of docs/*.md and README.md compiles and runs, so the guides cannot go
/// stale. The blocks of one page form one program, in order (as the pages say); their using
/// directives are gathered at the top. Test classes a page declares have their [Fact] methods run.
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
    public async Task Snippets_OfAPage_CompileAndRun(string page)
    {
        var blocks = Blocks(File.ReadAllText(Path.Combine(Repository.Root, page)));
        var usings = new SortedSet<string>(StringComparer.Ordinal) { "System", "System.IO", "System.Linq", "System.Text", "System.Collections.Generic" };
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

        // Run the [Fact] methods of the test classes the page declares.
        code.Add("""
            foreach (var type in System.Reflection.Assembly.GetExecutingAssembly().GetTypes())
            {
                foreach (var method in type.GetMethods().Where(m => m.GetCustomAttributes(typeof(Xunit.FactAttribute), true).Length > 0))
                {
                    method.Invoke(Activator.CreateInstance(type), null);
                }
            }
            """);
        var options = ScriptOptions.Default
            .WithReferences(
                typeof(OverlayFileSystem).Assembly,
                typeof(System.IO.Abstractions.IFileSystem).Assembly,
                typeof(FactAttribute).Assembly,
                typeof(Assert).Assembly,
                Assembly.Load("System.Runtime"))
            .WithImports(usings);
        var script = CSharpScript.Create(string.Join('\n', code), options);

        var errors = script.Compile(TestContext.Current.CancellationToken).Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString());
        errors.Should().BeEmpty($"the C# of {page} must compile");

        string previous = Directory.GetCurrentDirectory();
        using var temp = new TempDirectory();
        Directory.SetCurrentDirectory(temp.Path);
        try
        {
            await script.RunAsync(cancellationToken: TestContext.Current.CancellationToken);
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
