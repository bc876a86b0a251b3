using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using System.Xml.Linq;
using Overlay.Tests.Support;

namespace Overlay.Tests.Infrastructure;

/// <summary>
/// Packs Overlay.Core the way a release does and consumes the package from a fresh console
/// project, as a user of the NuGet package would (the first of the three uses in README.md). The consumer lives in a
/// temporary directory outside the repository, so none of the repository's build settings reach
/// it, and it restores into its own packages folder, so a stale cached package can never pass.
/// </summary>
[Trait("Category", "Package")]
[Trait("Category", "Slow")]
public class PackageConsumptionTests
{
    private const string PackageId = "Overlay.Core";
    private const string NuGetOrg = "https://api.nuget.org/v3/index.json";
    private static readonly TimeSpan DotnetTimeout = TimeSpan.FromMinutes(10);

    private readonly ITestOutputHelper _output;

    public PackageConsumptionTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task Package_WhenPackedAndConsumed_ProvidesOverlayFileSystemAndMetadata()
    {
        TestLane.SkipUnlessDeep("packs the library and restores a consumer from NuGet: a minute or two and the network");
        var cancellationToken = TestContext.Current.CancellationToken;
        var workDirectory = Path.Combine(Path.GetTempPath(), "overlay-package-test-" + Guid.NewGuid().ToString("N"));
        Path.GetFullPath(workDirectory).Should().NotStartWith(
            Path.GetFullPath(TestRepository.RootDirectory),
            "the consumer must not inherit the repository's Directory.Build.props or Directory.Packages.props");
        Directory.CreateDirectory(workDirectory);
        var succeeded = false;
        try
        {
            // A version no feed or cache has ever seen: 0.1.0-test.<unique> (docs/versioning.md).
            var versionSuffix = "test." + Guid.NewGuid().ToString("N");
            var version = await PackAsync(workDirectory, versionSuffix, cancellationToken);
            var feed = Path.Combine(workDirectory, "feed");

            AssertPackageContents(Path.Combine(feed, $"{PackageId}.{version}.nupkg"));
            AssertSymbolPackage(Path.Combine(feed, $"{PackageId}.{version}.snupkg"));

            var stdout = await BuildAndRunConsumerAsync(workDirectory, feed, version, cancellationToken);
            stdout.Should().Contain("merged: hello world", "the consumer appends to a lower file through IFileSystem and reads the merged view");
            succeeded = true;
        }
        finally
        {
            if (succeeded)
            {
                TryDelete(workDirectory);
            }
            else
            {
                _output.WriteLine($"Left {workDirectory} in place for inspection.");
            }
        }
    }

    private async Task<string> PackAsync(string workDirectory, string versionSuffix, CancellationToken cancellationToken)
    {
        var project = Path.Combine(TestRepository.RootDirectory, "src", "Overlay.Core", "Overlay.Core.csproj");
        var feed = Path.Combine(workDirectory, "feed");

        // --artifacts-path keeps this build's bin/ and obj/ out of the repository, where the
        // surrounding test run's own build lives.
        await RunDotnetAsync(
            TestRepository.RootDirectory,
            cancellationToken,
            "pack", project,
            "--configuration", "Release",
            "--output", feed,
            "--artifacts-path", Path.Combine(workDirectory, "artifacts"),
            "-p:VersionSuffix=" + versionSuffix);

        var packages = Directory.GetFiles(feed, PackageId + ".*.nupkg");
        packages.Should().ContainSingle("dotnet pack should produce exactly one {0} package in {1}", PackageId, feed);
        var fileName = Path.GetFileNameWithoutExtension(packages[0]);
        var version = fileName[(PackageId.Length + 1)..];
        version.Should().EndWith("-" + versionSuffix, "VersionSuffix makes a prerelease of VersionPrefix");
        return version;
    }

    private static void AssertPackageContents(string nupkgPath)
    {
        File.Exists(nupkgPath).Should().BeTrue($"{nupkgPath} should exist");
        using var archive = ZipFile.OpenRead(nupkgPath);
        var entries = archive.Entries.Select(entry => entry.FullName).ToList();

        entries.Should().Contain("README.md", "the package readme is packed at the package root");
        entries.Should().Contain("lib/net10.0/Overlay.Core.dll");
        entries.Should().Contain("lib/net10.0/Overlay.Core.xml", "the XML documentation ships with the assembly");

        var nuspecEntry = archive.Entries.Single(entry => entry.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using var nuspecStream = nuspecEntry.Open();
        var nuspec = XDocument.Load(nuspecStream);
        var ns = nuspec.Root!.Name.Namespace;
        var metadata = nuspec.Root.Element(ns + "metadata")!;

        metadata.Element(ns + "id")!.Value.Should().Be(PackageId);
        var license = metadata.Element(ns + "license");
        license.Should().NotBeNull("the package declares its licence");
        license!.Attribute("type")?.Value.Should().Be("expression");
        license.Value.Should().Be("MIT");
        metadata.Element(ns + "readme")?.Value.Should().Be("README.md");
        metadata.Element(ns + "repository")?.Attribute("url")?.Value.Should().Be("https://github.com/overlay-fs/overlay");
        metadata.Element(ns + "dependencies")!.ToString().Should().Contain("TestableIO.System.IO.Abstractions");
    }

    private static void AssertSymbolPackage(string snupkgPath)
    {
        File.Exists(snupkgPath).Should().BeTrue($"a symbol package {snupkgPath} should be produced (IncludeSymbols, snupkg)");
        using var archive = ZipFile.OpenRead(snupkgPath);
        archive.Entries.Select(entry => entry.FullName).Should().Contain("lib/net10.0/Overlay.Core.pdb");
    }

    private async Task<string> BuildAndRunConsumerAsync(string workDirectory, string feed, string version, CancellationToken cancellationToken)
    {
        var consumer = Path.Combine(workDirectory, "consumer");
        var packages = Path.Combine(workDirectory, "packages");
        Directory.CreateDirectory(consumer);

        // Stop MSBuild's upward search for Directory.Build.* / Directory.Packages.props here.
        File.WriteAllText(Path.Combine(consumer, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(consumer, "Directory.Build.targets"), "<Project />\n");
        File.WriteAllText(Path.Combine(consumer, "Directory.Packages.props"), "<Project />\n");

        File.WriteAllText(Path.Combine(consumer, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{packages}" />
              </config>
              <packageSources>
                <clear />
                <add key="overlay-test-feed" value="{feed}" />
                <add key="nuget.org" value="{NuGetOrg}" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="overlay-test-feed">
                  <package pattern="{PackageId}" />
                </packageSource>
                <packageSource key="nuget.org">
                  <package pattern="*" />
                </packageSource>
              </packageSourceMapping>
            </configuration>
            """);

        File.WriteAllText(Path.Combine(consumer, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <RestorePackagesPath>{packages}</RestorePackagesPath>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="{PackageId}" Version="[{version}]" />
              </ItemGroup>
            </Project>
            """);

        File.WriteAllText(Path.Combine(consumer, "Program.cs"), """
            using System.IO.Abstractions;
            using Overlay;
            using Overlay.Layers;

            var lower = new MemoryLayer();
            lower.AddFile("/etc/motd", "hello");
            var upper = new MemoryLayer();
            IFileSystem fs = new OverlayFileSystem(new[] { lower }, upper);
            fs.File.AppendAllText("/etc/motd", " world");
            Console.WriteLine("merged: " + fs.File.ReadAllText("/etc/motd"));
            """);

        await RunDotnetAsync(consumer, cancellationToken, "restore", "Consumer.csproj", "--packages", packages);
        Directory.Exists(Path.Combine(packages, PackageId.ToLowerInvariant(), version.ToLowerInvariant()))
            .Should().BeTrue("the package must have been restored from the test feed into the consumer's own packages folder");

        await RunDotnetAsync(consumer, cancellationToken, "build", "Consumer.csproj", "--no-restore", "--configuration", "Release");
        var result = await RunDotnetAsync(
            consumer,
            cancellationToken,
            Path.Combine(consumer, "bin", "Release", "net10.0", "Consumer.dll"));
        return result.StandardOutput;
    }

    private async Task<ProcessResult> RunDotnetAsync(string workingDirectory, CancellationToken cancellationToken, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // The test host was started by dotnet test / MSBuild, whose variables would point the child
        // at the parent build's MSBuild state; and a child must leave no build server running.
        foreach (var name in startInfo.Environment.Keys.ToList())
        {
            if (name.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("TESTINGPLATFORM_", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("VSTEST_", StringComparison.OrdinalIgnoreCase))
            {
                startInfo.Environment.Remove(name);
            }
        }

        startInfo.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        startInfo.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        startInfo.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        startInfo.Environment["DOTNET_NOLOGO"] = "1";
        startInfo.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";

        var commandLine = "dotnet " + string.Join(' ', arguments.Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"\"{a}\"" : a));
        _output.WriteLine($"> {commandLine}   (in {workingDirectory})");

        using var process = new Process { StartInfo = startInfo };
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (stdout) { stdout.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (stderr) { stderr.AppendLine(e.Data); } } };

        var stopwatch = Stopwatch.StartNew();
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(DotnetTimeout);
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            timedOut = true;
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }

        // WaitForExit without a timeout drains the asynchronous output readers.
        process.WaitForExit();
        var result = new ProcessResult(process.ExitCode, stdout.ToString(), stderr.ToString());
        _output.WriteLine($"  exit code {result.ExitCode} after {stopwatch.Elapsed.TotalSeconds:F1}s");

        if (timedOut || result.ExitCode != 0)
        {
            var reason = timedOut
                ? $"did not finish within {DotnetTimeout.TotalMinutes} minutes (or the test run was cancelled) and was killed"
                : $"exited with code {result.ExitCode}";
            throw new InvalidOperationException(
                $"'{commandLine}' in {workingDirectory} {reason}."
                + Environment.NewLine + "--- stdout ---" + Environment.NewLine + result.StandardOutput
                + Environment.NewLine + "--- stderr ---" + Environment.NewLine + result.StandardError);
        }

        return result;
    }

    /// <summary>The dotnet executable that runs this test, so the child uses the same SDK.</summary>
    private static string DotnetHost()
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host))
        {
            return host;
        }

        var processPath = Environment.ProcessPath;
        if (processPath is not null && Path.GetFileNameWithoutExtension(processPath) == "dotnet")
        {
            return processPath;
        }

        return "dotnet";
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError);
}
