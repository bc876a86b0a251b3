using Overlay.Tests.Support;

namespace Overlay.Tests.Union;

/// <summary>
/// What copies a lower object up and what does not (kernel overlayfs.rst, "copy up"): an open for
/// write (even a read-write open with no write), truncation and every metadata change do; a
/// read-only open does not. Parents come first, with the lower's mode and mtime. Recorded on a
/// kernel overlay mount.
/// </summary>
public class CopyUpTriggerTests : OverlayScenario
{
    /// <summary>On the in-memory backend.</summary>
    public CopyUpTriggerTests()
        : this(LayerBackend.Memory)
    {
    }

    /// <summary>On the given backend (see the subclasses in Backends/).</summary>
    /// <param name="backend">Where the layers are stored.</param>
    protected CopyUpTriggerTests(LayerBackend backend)
        : base(backend)
    {
    }

    [Fact]
    public void OpenReadWrite_WithoutAWrite_CopiesTheFileUpUnchanged()
    {
        Overlay.FileStream.New("/a/sub/leaf", FileMode.Open, FileAccess.ReadWrite).Dispose();

        UpperLines().Should().Equal("/a d 0750 top", "/a/sub d 0700 top", "/a/sub/leaf f 0644 bottom-file 'leaf'");
    }

    [Fact]
    public void OpenReadOnly_DoesNotCopyUp()
    {
        using (var stream = Overlay.File.OpenRead("/a/sub/leaf"))
        {
            stream.Length.Should().Be(4);
        }

        UpperLines().Should().BeEmpty();
    }

    [Fact]
    public void SetUnixFileMode_CopiesUpWithTheNewModeAndTheOldMtime()
    {
        UnixModes.Set(Overlay, "/a/foo", StandardLowers.Mode0600);

        UpperLines().Should().Equal("/a d 0750 top", "/a/foo f 0600 bottom-file 'foo-content'");
    }

    [Fact]
    public void SetUnixFileMode_ThroughASymlink_CopiesUpTheTargetOnly()
    {
        UnixModes.Set(Overlay, "/a/indirect_sym", StandardLowers.Mode0600);

        UpperLines().Should().Equal("/a d 0750 top", "/a/foo f 0600 bottom-file 'foo-content'");
    }

    [Fact]
    public void SetUnixFileMode_OfADirectory_CopiesUpTheDirectoryWithoutItsChildren()
    {
        UnixModes.Set(Overlay, "/a/sub", (UnixFileMode)0b111_001_000);

        UpperLines().Should().Equal("/a d 0750 top", "/a/sub d 0710 top");
        Names("/a/sub").Should().Equal("leaf", "other");
    }

    [Fact]
    public void SetLastWriteTimeUtc_CopiesUpWithTheGivenMtime()
    {
        Overlay.File.SetLastWriteTimeUtc("/a/sub/leaf", StandardLowers.TopFileTime);

        UpperLines().Should().Equal("/a d 0750 top", "/a/sub d 0700 top", "/a/sub/leaf f 0644 top-file 'leaf'");
    }

    [Fact]
    public void SetLastWriteTimeUtc_OfADirectory_CopiesUpTheDirectoryWithTheGivenMtime()
    {
        Overlay.Directory.SetLastWriteTimeUtc("/a/sub", StandardLowers.TopFileTime);

        UpperLines().Should().Equal("/a d 0750 top", "/a/sub d 0700 top-file");
    }

    [Fact]
    public void SetLastAccessTimeUtc_CopiesUpAndKeepsTheMtime()
    {
        Overlay.File.SetLastAccessTimeUtc("/a/foo", StandardLowers.TopFileTime);

        UpperLines().Should().Equal("/a d 0750 top", "/a/foo f 0644 bottom-file 'foo-content'");
        UpperEntry("/a/foo")!.Value.LastAccessTimeUtc.Should().Be(StandardLowers.TopFileTime);
    }

    [Fact]
    public void SetAttributesReadOnly_CopiesUpWithoutTheWriteBits()
    {
        Overlay.File.SetAttributes("/a/foo", FileAttributes.ReadOnly);

        UpperLines().Should().Equal("/a d 0750 top", "/a/foo f 0444 bottom-file 'foo-content'");
    }

    [Fact]
    public void SetAttributesNormal_OfAReadOnlyFile_CopiesUpWithTheOwnerWriteBit()
    {
        Overlay.File.SetAttributes("/ro", FileAttributes.Normal);

        UpperLines().Should().Equal("/ro f 0644 bottom-file 'read-only'");
    }

    [Fact]
    public void SetAttributes_ThatChangeNoBit_DoNotCopyUp()
    {
        Overlay.File.SetAttributes("/a/foo", FileAttributes.Normal);

        UpperLines().Should().BeEmpty();
    }

    [Fact]
    public void CopyUp_OfADeepFile_CopiesEveryParentWithItsLowersModeAndMtime()
    {
        Overlay.File.AppendAllText("/tree/x/y/z", "+");

        UpperLines().Should().Equal(
            "/tree d 0755 top",
            "/tree/x d 0755 bottom",
            "/tree/x/y d 0755 bottom",
            "/tree/x/y/z f 0644 now 'z+'");
    }

    [Fact]
    public void CopyUp_OfADirectory_DoesNotMakeItOpaque()
    {
        Overlay.File.WriteAllText("/a/sub/new", "n");

        UpperEntry("/a/sub")!.Value.IsOpaque.Should().BeFalse();
        Names("/a/sub").Should().Equal("leaf", "new", "other");
    }

    [Fact]
    public void Create_InALowerDirectory_StampsTheCopiedUpParentsMtime()
    {
        Overlay.File.WriteAllText("/a/sub/newf", "n");

        UpperLines().Should().Equal("/a d 0750 top", "/a/sub d 0700 now", "/a/sub/newf f 0644 now 'n'");
    }

    [Fact]
    public void CopyUp_WhenTheFileIsAlreadyInTheUpper_DoesNotCopyAgain()
    {
        Overlay.File.AppendAllText("/a/foo", "1");
        Overlay.File.AppendAllText("/a/foo", "2");

        Events.Count(e => e.Kind == OverlayEventKind.CopyUp && e.Path == "/a/foo").Should().Be(1);
        Overlay.File.ReadAllText("/a/foo").Should().Be("foo-content12");
    }

    [Fact]
    public void CopyUp_LeavesNothingStagedInTheWorkArea()
    {
        Overlay.File.AppendAllText("/tree/x/y/z", "+");
        Overlay.File.Delete("/a/foo");
        Overlay.Directory.Move("/a/sub", "/a/sub2");

        WorkAreaLeftovers().Should().BeEmpty();
    }
}
