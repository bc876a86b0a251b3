using Overlay.Tests.Support;

namespace Overlay.Tests.Union;

/// <summary>
/// An overlay without an upper is a read-only mount: every write fails with
/// <see cref="IOException"/> HResult 30 (EROFS) and changes nothing; every read works.
/// </summary>
public class ReadOnlyOverlayTests : OverlayScenario
{
    /// <summary>On the in-memory backend.</summary>
    public ReadOnlyOverlayTests()
        : this(LayerBackend.Memory)
    {
    }

    /// <summary>On the given backend (see the subclasses in Backends/).</summary>
    /// <param name="backend">Where the lowers are stored.</param>
    protected ReadOnlyOverlayTests(LayerBackend backend)
        : base(backend)
    {
        Rebuild(new OverlayOptions(), readOnly: true);
    }

    public static TheoryData<string> Writes => new()
    {
        "write-lower", "append-lower", "create-new", "create-exclusive", "truncate", "rw-open", "delete-file", "delete-symlink",
        "mkdir", "move-file", "move-directory", "chmod", "utime", "set-readonly", "symlink", "copy",
    };

    [Theory]
    [MemberData(nameof(Writes))]
    public void Write_WhenTheOverlayHasNoUpper_ThrowsIOExceptionWithEROFS(string write)
    {
        var before = MergedLines();

        var act = () => Do(write);

        act.Should().Throw<IOException>().Where(e => e.HResult == 30);
        MergedLines().Should().Equal(before);
    }

    [Theory]
    [InlineData("rmdir-empty")]
    [InlineData("rmdir-recursive")]
    public void DirectoryDelete_WhenTheOverlayHasNoUpper_ThrowsAPlainIOExceptionAsSystemIODoesForEROFS(string write)
    {
        // Recorded on a read-only kernel overlay mount: System.IO turns rmdir's EROFS into its own
        // "access denied" IOException (COR_E_IO), as on Windows.
        var before = MergedLines();

        var act = () => Do(write);

        act.Should().Throw<IOException>().Where(e => e.HResult == Outcome.PlainIoHResult);
        MergedLines().Should().Equal(before);
    }

    [Fact]
    public void CreateDirectory_OfAnExistingDirectory_WhenTheOverlayHasNoUpper_IsANoOp()
    {
        var act = () => Overlay.Directory.CreateDirectory("/a/sub");

        act.Should().NotThrow();
    }

    [Fact]
    public void Reads_WhenTheOverlayHasNoUpper_SeeTheMergedLowers()
    {
        Overlay.IsReadOnly.Should().BeTrue();
        Overlay.File.ReadAllText("/a/indirect_sym").Should().Be(StandardLowers.FooContent);
        Names("/a").Should().Equal(StandardLowers.MergedA);
        Names("/opq").Should().Equal("new");
        Overlay.FileInfo.New("/a/direct_sym").LinkTarget.Should().Be("foo");
        Overlay.File.Exists("/a/hidden").Should().BeFalse();
    }

    [Fact]
    public void Delete_OfAMissingFile_WhenTheOverlayHasNoUpper_IsSilent()
    {
        var act = () => Overlay.File.Delete("/a/missing");

        act.Should().NotThrow();
    }

    [Fact]
    public void Changes_WhenTheOverlayHasNoUpper_AreEmpty()
    {
        Overlay.Changes(TestContext.Current.CancellationToken).Should().BeEmpty();
    }

    [Fact]
    public void ResetUpper_WhenTheOverlayHasNoUpper_ThrowsInvalidOperation()
    {
        var act = Overlay.ResetUpper;

        act.Should().Throw<InvalidOperationException>();
    }

    private void Do(string write)
    {
        switch (write)
        {
            case "write-lower": Overlay.File.WriteAllText("/a/foo", "x"); break;
            case "append-lower": Overlay.File.AppendAllText("/a/foo", "x"); break;
            case "create-new": Overlay.File.WriteAllText("/a/new", "x"); break;
            case "create-exclusive": Overlay.FileStream.New("/a/new", FileMode.CreateNew, FileAccess.Write).Dispose(); break;
            case "truncate": Overlay.File.Open("/a/foo", FileMode.Truncate).Dispose(); break;
            case "rw-open": Overlay.FileStream.New("/a/foo", FileMode.Open, FileAccess.ReadWrite).Dispose(); break;
            case "delete-file": Overlay.File.Delete("/a/foo"); break;
            case "delete-symlink": Overlay.File.Delete("/a/direct_sym"); break;
            case "mkdir": Overlay.Directory.CreateDirectory("/a/newdir"); break;
            case "rmdir-empty": Overlay.Directory.Delete("/empty"); break;
            case "rmdir-recursive": Overlay.Directory.Delete("/tree", recursive: true); break;
            case "move-file": Overlay.File.Move("/a/foo", "/a/moved"); break;
            case "move-directory": Overlay.Directory.Move("/a/sub", "/a/sub2"); break;
            case "chmod": UnixModes.Set(Overlay, "/a/foo", StandardLowers.Mode0600); break;
            case "utime": Overlay.File.SetLastWriteTimeUtc("/a/foo", StandardLowers.TopFileTime); break;
            case "set-readonly": Overlay.File.SetAttributes("/a/foo", FileAttributes.ReadOnly); break;
            case "symlink": Overlay.File.CreateSymbolicLink("/a/newlink", "foo"); break;
            case "copy": Overlay.File.Copy("/a/foo", "/a/copy"); break;
            default: throw new ArgumentOutOfRangeException(nameof(write), write, "Unknown write.");
        }
    }
}
