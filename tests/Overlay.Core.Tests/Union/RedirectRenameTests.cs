using System.IO.Abstractions.TestingHelpers;
using System.Text;
using Overlay.Layers;
using Overlay.Tests.Support;

namespace Overlay.Tests.Union;

/// <summary>
/// The <see cref="DirectoryRenamePolicy.Redirect"/> policy over the standard lowers, in memory: a
/// lower or merged directory is renamed as the kernel does with <c>redirect_dir=on</c> (the
/// directory alone copied up, a redirect to its lower directory, a whiteout at the old name), and
/// the merged view, copy-ups, deletions, later renames and <see cref="OverlayFileSystem.Changes"/>
/// follow the redirect. Each sequence also runs under the <see cref="DirectoryRenamePolicy.CopyUp"/>
/// policy: the merged views and the changes must be the same, only the upper differs.
/// </summary>
public class RedirectRenameTests : OverlayScenario
{
    private static readonly OverlayOptions RedirectOptions = new() { DirectoryRenamePolicy = DirectoryRenamePolicy.Redirect };

    /// <summary>Sequences of steps, each "move source destination", "delete path", "rmdir path", "write path text", "mkdir path".</summary>
    public static TheoryData<string[]> Sequences => new()
    {
        new[] { "move /a /b" },
        new[] { "move /a/sub /tree/sub2" },
        new[] { "move /a /b", "move /b /c" },
        new[] { "move /a /b", "move /b /tree/b" },
        new[] { "move /a /b", "move /b/sub /b/sub2" },
        new[] { "move /a /b", "move /b/sub /tree/s" },
        new[] { "move /a /b", "move /b/sub /b/sub2", "move /b /empty/b", "move /empty/b/sub2 /s" },
        new[] { "move /a /b", "delete /b/foo", "write /b/bar +more", "delete /b/sub/leaf" },
        new[] { "move /a /b", "mkdir /a", "write /a/new x" },
        new[] { "move /a /b", "move /b/foo /b/foo2", "move /b/sub/leaf /leaf" },
        new[] { "move /a/sub /a/sub2", "move /a /b", "move /b/sub2 /b/sub" },
        new[] { "move /tree /t", "delete /t/x/y/z", "rmdir /t/x/y", "mkdir /t/x/y" },
        new[] { "move /opq /o", "write /o/new changed" },
        new[] { "move /a /b", "rmdir /b/emptysub", "move /b/sub /b/emptysub" },
    };

    [Theory]
    [MemberData(nameof(Sequences))]
    public void Sequence_UnderTheRedirectPolicy_GivesTheMergedViewAndChangesOfTheCopyUpPolicy(string[] steps)
    {
        Rebuild(new OverlayOptions { DirectoryRenamePolicy = DirectoryRenamePolicy.CopyUp });
        var expected = new List<(string[] Merged, string Changes)>();
        foreach (var step in steps)
        {
            Run(step);
            expected.Add((MergedLines(), string.Join(", ", Overlay.Changes(TestContext.Current.CancellationToken))));
        }

        Rebuild(RedirectOptions);
        for (int i = 0; i < steps.Length; i++)
        {
            Run(steps[i]);
            MergedLines().Should().Equal(expected[i].Merged, $"after '{steps[i]}'");
            string.Join(", ", Overlay.Changes(TestContext.Current.CancellationToken)).Should().Be(expected[i].Changes, $"after '{steps[i]}'");
        }

        UpperLines().Should().NotContain(l => l.EndsWith(" opaque", StringComparison.Ordinal) && l.Contains(" redirect=", StringComparison.Ordinal));
    }

    [Fact]
    public void Move_InTheSameParent_CopiesUpOnlyTheDirectoryWithARelativeRedirectAndAWhiteout()
    {
        Rebuild(RedirectOptions);
        var before = MergedLines("/a");

        Overlay.Directory.Move("/a", "/b");

        UpperLines().Should().Equal("/a w", "/b d 0750 top redirect=a");
        MergedLines("/b").Should().Equal(before.Select(l => "/b" + l[2..]));
        Overlay.Directory.Exists("/a").Should().BeFalse();
        UpperEntry("/b")!.Value.IsOpaque.Should().BeFalse();
    }

    [Fact]
    public void Move_IntoAnotherDirectory_RecordsTheAbsoluteLowerPath()
    {
        Rebuild(RedirectOptions);

        Overlay.Directory.Move("/a/sub", "/tree/sub2");

        UpperEntry("/tree/sub2")!.Value.RedirectPath.Should().Be("/a/sub");
        UpperEntry("/a/sub")!.Value.Kind.Should().Be(LayerEntryKind.Whiteout);
        Names("/tree/sub2").Should().Equal("leaf", "other");
        Overlay.File.ReadAllText("/tree/sub2/leaf").Should().Be("leaf");
    }

    [Fact]
    public void Move_Twice_KeepsARelativeRedirectInTheSameParentAndWritesTheOriginalLowerPathElsewhere()
    {
        Rebuild(RedirectOptions);

        Overlay.Directory.Move("/a", "/b");
        Overlay.Directory.Move("/b", "/c");
        UpperEntry("/c")!.Value.RedirectPath.Should().Be("a");
        UpperEntry("/b").Should().BeNull("no lower has /b: the move leaves no whiteout there");

        Overlay.Directory.Move("/c", "/tree/c");
        UpperEntry("/tree/c")!.Value.RedirectPath.Should().Be("/a");
        Overlay.File.ReadAllText("/tree/c/foo").Should().Be("foo-content");
    }

    [Fact]
    public void Move_OfADirectoryInsideARenamedOne_RedirectsToItsOriginalLowerPath()
    {
        Rebuild(RedirectOptions);
        Overlay.Directory.Move("/a", "/b");

        Overlay.Directory.Move("/b/sub", "/b/sub2");
        UpperEntry("/b/sub2")!.Value.RedirectPath.Should().Be("sub");
        UpperEntry("/b/sub")!.Value.Kind.Should().Be(LayerEntryKind.Whiteout);

        Overlay.Directory.Move("/b/sub2", "/s");
        UpperEntry("/s")!.Value.RedirectPath.Should().Be("/a/sub");
        Names("/s").Should().Equal("leaf", "other");
        Names("/b").Should().NotContain(["sub", "sub2"]);
    }

    [Fact]
    public void CopyUp_OfAFileUnderARenamedDirectory_ReadsTheLowerFileAtItsLowerPath()
    {
        Rebuild(RedirectOptions);
        Overlay.Directory.Move("/a", "/b");

        Overlay.File.AppendAllText("/b/foo", "+more");
        Overlay.File.SetLastWriteTimeUtc("/b/sub/leaf", StandardLowers.UpperTime);

        UpperBytes("/b/foo").Should().Equal(Encoding.UTF8.GetBytes("foo-content+more"));
        UpperBytes("/b/sub/leaf").Should().Equal(Encoding.UTF8.GetBytes("leaf"));
        UpperEntry("/b/sub")!.Value.RedirectPath.Should().BeNull("a copy-up below a renamed directory finds its lower through the parent");
        Names("/b/sub").Should().Equal("leaf", "other");
    }

    [Fact]
    public void Delete_OfAChildOfARenamedDirectory_LeavesAWhiteoutUnderTheNewName()
    {
        Rebuild(RedirectOptions);
        Overlay.Directory.Move("/a", "/b");

        Overlay.File.Delete("/b/foo");

        UpperEntry("/b/foo")!.Value.Kind.Should().Be(LayerEntryKind.Whiteout);
        Overlay.File.Exists("/b/foo").Should().BeFalse();
        Top.TryGetEntry("/a/foo", out _).Should().BeFalse();
        Bottom.TryGetEntry("/a/foo", out _).Should().BeTrue("lowers are never written");
    }

    [Fact]
    public void Mkdir_AtTheOldName_IsOpaqueAndEmpty()
    {
        Rebuild(RedirectOptions);
        Overlay.Directory.Move("/a", "/b");

        Overlay.Directory.CreateDirectory("/a");

        UpperEntry("/a")!.Value.IsOpaque.Should().BeTrue();
        Names("/a").Should().BeEmpty();
        Names("/b").Should().Contain("foo");
    }

    [Fact]
    public void Changes_OfARenamedDirectory_AreTheOldNameDeletedAndTheNewTreeAdded()
    {
        Rebuild(RedirectOptions);
        Overlay.Directory.Move("/a/sub", "/sub");

        Overlay.Changes(TestContext.Current.CancellationToken).Select(c => (c.Kind, c.Path)).Should().Equal(
            (OverlayChangeKind.Modified, "/a"),
            (OverlayChangeKind.Deleted, "/a/sub"),
            (OverlayChangeKind.Added, "/sub"),
            (OverlayChangeKind.Added, "/sub/leaf"),
            (OverlayChangeKind.Added, "/sub/other"));
    }

    [Fact]
    public void Move_BackToTheOldName_ShowsTheLowerTreeAgainAndChangesOnlyTheDirectory()
    {
        Rebuild(RedirectOptions);
        var before = MergedLines();

        Overlay.Directory.Move("/a", "/b");
        Overlay.Directory.Move("/b", "/a");

        UpperLines().Should().Equal("/a d 0750 top redirect=a");
        MergedLines().Should().Equal(before);

        // The CopyUp policy lists every child as added again (it copied them); here they are the
        // very lower objects the image has at those paths: only the directory changed.
        Overlay.Changes(TestContext.Current.CancellationToken).Select(c => c.ToString()).Should().Equal("C /a");
    }

    [Fact]
    public void ReadStream_OpenBeforeTheRename_FollowsTheFileWhenItIsCopiedUpUnderTheNewName()
    {
        Rebuild(RedirectOptions);
        using var reader = Overlay.File.OpenRead("/a/foo");

        Overlay.Directory.Move("/a", "/b");
        Overlay.File.WriteAllText("/b/foo", "rewritten");

        using var text = new StreamReader(reader);
        text.ReadToEnd().Should().Be("rewritten");
    }

    [Fact]
    public void Redirects_InTheUpper_AreFollowedUnderEveryPolicy()
    {
        IWritableLayer upper = new MemoryLayer("upper");
        upper.CreateDirectory("/b", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        upper.GetCapability<IDirectoryRedirects>()!.SetRedirect("/b", "/a/sub");
        upper.CreateDirectory("/c", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        upper.GetCapability<IDirectoryRedirects>()!.SetRedirect("/c", "tree");

        foreach (var policy in new[] { DirectoryRenamePolicy.CopyUp, DirectoryRenamePolicy.Kernel })
        {
            var overlay = new OverlayFileSystem([Top, Bottom], upper, new OverlayOptions { DirectoryRenamePolicy = policy });
            overlay.Directory.EnumerateFileSystemEntries("/b").Select(Path.GetFileName).Order(StringComparer.Ordinal).Should().Equal("leaf", "other");
            overlay.File.ReadAllText("/c/x/y/z").Should().Be("z");
        }
    }

    [Fact]
    public void Move_OfARedirectedDirectoryUnderTheKernelPolicy_IsEXDev()
    {
        IWritableLayer upper = new MemoryLayer("upper");
        upper.CreateDirectory("/b", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        upper.GetCapability<IDirectoryRedirects>()!.SetRedirect("/b", "/a");
        var overlay = new OverlayFileSystem([Top, Bottom], upper, new OverlayOptions { DirectoryRenamePolicy = DirectoryRenamePolicy.Kernel });

        var act = () => overlay.Directory.Move("/b", "/c");

        act.Should().Throw<IOException>().Where(e => e.HResult == 18);
    }

    [Fact]
    public void Move_OfARedirectedDirectoryUnderTheCopyUpPolicy_CopiesItsTreeAndDropsTheRedirect()
    {
        Rebuild(RedirectOptions);
        Overlay.Directory.Move("/a", "/b");
        var before = MergedLines("/b");
        var upper = Upper!;
        var copying = new OverlayFileSystem([Top, Bottom], upper, new OverlayOptions { DirectoryRenamePolicy = DirectoryRenamePolicy.CopyUp });

        copying.Directory.Move("/b", "/c");

        upper.TryGetEntry("/c", out var moved).Should().BeTrue();
        moved.IsOpaque.Should().BeTrue();
        moved.RedirectPath.Should().BeNull();
        TreeDump.Merged(copying, Labels, "/c").Should().Equal(before.Select(l => "/c" + l[2..]));
    }

    [Fact]
    public void Building_WithTheRedirectPolicy_OverAnUpperThatCannotStoreRedirects_ThrowsArgumentException()
    {
        var disk = new MockFileSystem();
        disk.Directory.CreateDirectory("/upper");
        disk.Directory.CreateDirectory("/work");
        using var oci = new FileSystemLayer(disk, "/upper", new FileSystemLayerOptions { Name = "oci-upper", WorkDirectory = "/work" });
        ((IWritableLayer)oci).GetCapability<IDirectoryRedirects>().Should().BeNull();

        var act = () => new OverlayFileSystem([Top], oci, RedirectOptions);

        act.Should().Throw<ArgumentException>().WithMessage("*redirect*oci-upper*OCI layers have no redirects*");
        new OverlayFileSystem([Top], oci, new OverlayOptions()).Should().NotBeNull("the other policies need no redirects");
        new OverlayFileSystem([Top], null, RedirectOptions).IsReadOnly.Should().BeTrue("a read-only overlay renames nothing");
        ((IWritableLayer)new MemoryLayer()).GetCapability<IDirectoryRedirects>().Should().NotBeNull();
    }

    private void Run(string step)
    {
        var parts = step.Split(' ', 3);
        switch (parts[0])
        {
            case "move":
                if (Overlay.Directory.Exists(parts[1]))
                {
                    Overlay.Directory.Move(parts[1], parts[2]);
                }
                else
                {
                    Overlay.File.Move(parts[1], parts[2]);
                }

                break;
            case "delete":
                Overlay.File.Delete(parts[1]);
                break;
            case "rmdir":
                Overlay.Directory.Delete(parts[1]);
                break;
            case "mkdir":
                Overlay.Directory.CreateDirectory(parts[1]);
                break;
            case "write":
                Overlay.File.AppendAllText(parts[1], parts[2]);
                break;
            default:
                throw new InvalidOperationException(step);
        }
    }
}
