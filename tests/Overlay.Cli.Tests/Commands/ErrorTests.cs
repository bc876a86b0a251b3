using Overlay.Cli.Tests.Support;

namespace Overlay.Cli.Tests.Commands;

/// <summary>Bad input: one line on stderr naming the input and the reason, and the exit code that means it.</summary>
public class ErrorTests
{
    private static readonly string Image = Repository.DockerFixture("image.tar");

    [Fact]
    public void MissingImage_ExitsWithInputNotFound()
    {
        var run = CliRun.Of("layers", "/no/such/image.tar");

        run.ExitCode.Should().Be((int)ExitCode.InputNotFound);
        run.Error.Should().StartWith("overlay: /no/such/image.tar: no such file or directory");
    }

    [Fact]
    public void ATextFile_ExitsWithNotAnImage()
    {
        using var temp = new TempDirectory();
        string file = temp.File("notes.txt", "these are not the layers you are looking for\n");

        var run = CliRun.Of("layers", file);

        run.ExitCode.Should().Be((int)ExitCode.NotAnImage);
        run.Error.Should().Contain("notes.txt");
    }

    [Fact]
    public void ATruncatedImageArchive_ExitsWithNotAnImage()
    {
        using var temp = new TempDirectory();
        string corrupt = Path.Combine(temp.Path, "corrupt.tar");
        var bytes = File.ReadAllBytes(Image);
        File.WriteAllBytes(corrupt, bytes[..(bytes.Length / 2)]);

        var run = CliRun.Of("tree", corrupt);

        run.ExitCode.Should().Be((int)ExitCode.NotAnImage, run.Error);
        run.Error.Should().Contain("corrupt.tar");
    }

    [Fact]
    public void UnknownCommand_ExitsWithUsage()
    {
        var run = CliRun.Of("frobnicate", Image);

        run.ExitCode.Should().Be((int)ExitCode.Usage);
        run.Error.Should().StartWith("overlay: ");
    }

    [Fact]
    public void MissingArgument_ExitsWithUsage()
    {
        CliRun.Of("explain", Image).ExitCode.Should().Be((int)ExitCode.Usage);
    }

    [Fact]
    public void LayerOutOfRange_ExitsWithUsage()
    {
        var run = CliRun.Of("tree", Image, "--layer", "7");

        run.ExitCode.Should().Be((int)ExitCode.Usage);
        run.Error.Should().Contain("layers 0 to 1");
    }

    [Fact]
    public void TreeOfAMissingPath_ExitsWithPathNotFound()
    {
        var run = CliRun.Of("tree", Image, "/never/there");

        run.ExitCode.Should().Be((int)ExitCode.PathNotFound);
    }

    [Fact]
    public void ExportIntoAMissingDirectory_ExitsWithIoErrorAndWritesNothing()
    {
        var run = CliRun.Of("export", Image, "-o", "/no/such/dir/rootfs.tar");

        run.ExitCode.Should().Be((int)ExitCode.IoError);
        Directory.Exists("/no/such/dir").Should().BeFalse();
    }
}
