using System.Text;
using Overlay.Layers;
using Overlay.Tests.Support;

namespace Overlay.Tests.Union;

/// <summary>
/// The catalogue's open family: read, write, read-write without a write, append, truncate, create,
/// open-or-create and create-exclusive on a lower file, a missing name, a new (upper) file, through
/// one and two levels of symbolic link, through a dangling link, on directories and with a trailing
/// '/'. The table was recorded with the same System.IO calls on a kernel overlay mount of the
/// standard lower; each row checks the call's outcome, the merged object it touched, and the whole
/// upper layer (the lowers are checked by <see cref="OverlayScenario"/>).
/// </summary>
public class OpenScenarioTests : OverlayScenario
{
    /// <summary>On the in-memory backend.</summary>
    public OpenScenarioTests()
        : this(LayerBackend.Memory)
    {
    }

    /// <summary>On the given backend (see the subclasses in Backends/).</summary>
    /// <param name="backend">Where the layers are stored.</param>
    protected OpenScenarioTests(LayerBackend backend)
        : base(backend)
    {
    }

    /// <summary>mode, path, outcome, path checked afterwards, its merged line, the upper's lines.</summary>
    public static TheoryData<string, string, string, string, string?, string[]> KernelRecorded => new()
    {
        { "read", "/a/foo", "ok: 'foo-content'", "/a/foo", "/a/foo f 0644 bottom-file 'foo-content'", [] },
        { "read", "/file", "ok: 'file-content'", "/file", "/file f 0640 top-file 'file-content'", [] },
        { "read", "/a/missing", "EX FileNotFoundException hr=0x80070002", "/a/missing", null, [] },
        { "read", "/a/newfile", "ok: 'newcontent'", "/a/newfile", "/a/newfile f 0644 now 'newcontent'", ["/a d 0750 now", "/a/newfile f 0644 now 'newcontent'"] },
        { "read", "/a/direct_sym", "ok: 'foo-content'", "/a/foo", "/a/foo f 0644 bottom-file 'foo-content'", [] },
        { "read", "/a/indirect_sym", "ok: 'foo-content'", "/a/foo", "/a/foo f 0644 bottom-file 'foo-content'", [] },
        { "read", "/a/dangling_sym", "EX FileNotFoundException hr=0x80070002", "/a/no_such_file", null, [] },
        { "read", "/a/sub", "EX UnauthorizedAccessException hr=0x80070005", "/a/sub", "/a/sub d 0700 top", [] },
        { "read", "/a/dir_sym", "EX UnauthorizedAccessException hr=0x80070005", "/a/sub", "/a/sub d 0700 top", [] },
        { "read", "/nodir/x", "EX DirectoryNotFoundException hr=0x80070003", "/nodir/x", null, [] },
        { "read", "/a/foo/", "EX DirectoryNotFoundException hr=0x80070003", "/a/foo", "/a/foo f 0644 bottom-file 'foo-content'", [] },
        { "read", "/a/missing/", "EX FileNotFoundException hr=0x80070002", "/a/missing", null, [] },
        { "read", "/a/direct_sym/", "EX DirectoryNotFoundException hr=0x80070003", "/a/foo", "/a/foo f 0644 bottom-file 'foo-content'", [] },
        { "read", "/a/dangling_sym/", "EX FileNotFoundException hr=0x80070002", "/a/no_such_file", null, [] },
        { "read", "/a/sub/", "EX UnauthorizedAccessException hr=0x80070005", "/a/sub", "/a/sub d 0700 top", [] },
        { "read", "/a/hidden", "EX FileNotFoundException hr=0x80070002", "/a/hidden", null, [] },
        { "read", "/opq/old", "EX FileNotFoundException hr=0x80070002", "/opq/old", null, [] },
        { "read", "/a/sub/leaf", "ok: 'leaf'", "/a/sub/leaf", "/a/sub/leaf f 0644 bottom-file 'leaf'", [] },
        { "write", "/a/foo", "ok", "/a/foo", "/a/foo f 0644 now 'XYo-content'", ["/a d 0750 top", "/a/foo f 0644 now 'XYo-content'"] },
        { "write", "/file", "ok", "/file", "/file f 0640 now 'XYle-content'", ["/file f 0640 now 'XYle-content'"] },
        { "write", "/a/missing", "EX FileNotFoundException hr=0x80070002", "/a/missing", null, [] },
        { "write", "/a/newfile", "ok", "/a/newfile", "/a/newfile f 0644 now 'XYwcontent'", ["/a d 0750 now", "/a/newfile f 0644 now 'XYwcontent'"] },
        { "write", "/a/direct_sym", "ok", "/a/foo", "/a/foo f 0644 now 'XYo-content'", ["/a d 0750 top", "/a/foo f 0644 now 'XYo-content'"] },
        { "write", "/a/indirect_sym", "ok", "/a/foo", "/a/foo f 0644 now 'XYo-content'", ["/a d 0750 top", "/a/foo f 0644 now 'XYo-content'"] },
        { "write", "/a/dangling_sym", "EX FileNotFoundException hr=0x80070002", "/a/no_such_file", null, [] },
        { "write", "/a/sub", "EX UnauthorizedAccessException hr=0x80070005", "/a/sub", "/a/sub d 0700 top", [] },
        { "write", "/a/dir_sym", "EX UnauthorizedAccessException hr=0x80070005", "/a/sub", "/a/sub d 0700 top", [] },
        { "write", "/nodir/x", "EX DirectoryNotFoundException hr=0x80070003", "/nodir/x", null, [] },
        { "write", "/a/foo/", "EX DirectoryNotFoundException hr=0x80070003", "/a/foo", "/a/foo f 0644 bottom-file 'foo-content'", [] },
        { "write", "/a/missing/", "EX FileNotFoundException hr=0x80070002", "/a/missing", null, [] },
        { "write", "/a/direct_sym/", "EX DirectoryNotFoundException hr=0x80070003", "/a/foo", "/a/foo f 0644 bottom-file 'foo-content'", [] },
        { "write", "/a/dangling_sym/", "EX FileNotFoundException hr=0x80070002", "/a/no_such_file", null, [] },
        { "write", "/a/sub/", "EX UnauthorizedAccessException hr=0x80070005", "/a/sub", "/a/sub d 0700 top", [] },
        { "write", "/a/hidden", "EX FileNotFoundException hr=0x80070002", "/a/hidden", null, [] },
        { "write", "/opq/old", "EX FileNotFoundException hr=0x80070002", "/opq/old", null, [] },
        { "write", "/a/sub/leaf", "ok", "/a/sub/leaf", "/a/sub/leaf f 0644 now 'XYaf'", ["/a d 0750 top", "/a/sub d 0700 top", "/a/sub/leaf f 0644 now 'XYaf'"] },
        { "rw-nowrite", "/a/foo", "ok", "/a/foo", "/a/foo f 0644 bottom-file 'foo-content'", ["/a d 0750 top", "/a/foo f 0644 bottom-file 'foo-content'"] },
        { "rw-nowrite", "/file", "ok", "/file", "/file f 0640 top-file 'file-content'", ["/file f 0640 top-file 'file-content'"] },
        { "rw-nowrite", "/a/missing", "EX FileNotFoundException hr=0x80070002", "/a/missing", null, [] },
        { "rw-nowrite", "/a/newfile", "ok", "/a/newfile", "/a/newfile f 0644 now 'newcontent'", ["/a d 0750 now", "/a/newfile f 0644 now 'newcontent'"] },
        { "rw-nowrite", "/a/direct_sym", "ok", "/a/foo", "/a/foo f 0644 bottom-file 'foo-content'", ["/a d 0750 top", "/a/foo f 0644 bottom-file 'foo-content'"] },
        { "rw-nowrite", "/a/indirect_sym", "ok", "/a/foo", "/a/foo f 0644 bottom-file 'foo-content'", ["/a d 0750 top", "/a/foo f 0644 bottom-file 'foo-content'"] },
        { "rw-nowrite", "/a/dangling_sym", "EX FileNotFoundException hr=0x80070002", "/a/no_such_file", null, [] },
        { "rw-nowrite", "/a/sub", "EX UnauthorizedAccessException hr=0x80070005", "/a/sub", "/a/sub d 0700 top", [] },
        { "rw-nowrite", "/a/dir_sym", "EX UnauthorizedAccessException hr=0x80070005", "/a/sub", "/a/sub d 0700 top", [] },
        { "rw-nowrite", "/nodir/x", "EX DirectoryNotFoundException hr=0x80070003", "/nodir/x", null, [] },
        { "rw-nowrite", "/a/foo/", "EX DirectoryNotFoundException hr=0x80070003", "/a/foo", "/a/foo f 0644 bottom-file 'foo-content'", [] },
        { "rw-nowrite", "/a/missing/", "EX FileNotFoundException hr=0x80070002", "/a/missing", null, [] },
        { "rw-nowrite", "/a/direct_sym/", "EX DirectoryNotFoundException hr=0x80070003", "/a/foo", "/a/foo f 0644 bottom-file 'foo-content'", [] },
        { "rw-nowrite", "/a/dangling_sym/", "EX FileNotFoundException hr=0x80070002", "/a/no_such_file", null, [] },
        { "rw-nowrite", "/a/sub/", "EX UnauthorizedAccessException hr=0x80070005", "/a/sub", "/a/sub d 0700 top", [] },
        { "rw-nowrite", "/a/hidden", "EX FileNotFoundException hr=0x80070002", "/a/hidden", null, [] },
        { "rw-nowrite", "/opq/old", "EX FileNotFoundException hr=0x80070002", "/opq/old", null, [] },
        { "rw-nowrite", "/a/sub/leaf", "ok", "/a/sub/leaf", "/a/sub/leaf f 0644 bottom-file 'leaf'", ["/a d 0750 top", "/a/sub d 0700 top", "/a/sub/leaf f 0644 bottom-file 'leaf'"] },
        { "append", "/a/foo", "ok", "/a/foo", "/a/foo f 0644 now 'foo-content+app'", ["/a d 0750 top", "/a/foo f 0644 now 'foo-content+app'"] },
        { "append", "/file", "ok", "/file", "/file f 0640 now 'file-content+app'", ["/file f 0640 now 'file-content+app'"] },
        { "append", "/a/missing", "ok", "/a/missing", "/a/missing f 0644 now '+app'", ["/a d 0750 now", "/a/missing f 0644 now '+app'"] },
        { "append", "/a/newfile", "ok", "/a/newfile", "/a/newfile f 0644 now 'newcontent+app'", ["/a d 0750 now", "/a/newfile f 0644 now 'newcontent+app'"] },
        { "append", "/a/direct_sym", "ok", "/a/foo", "/a/foo f 0644 now 'foo-content+app'", ["/a d 0750 top", "/a/foo f 0644 now 'foo-content+app'"] },
        { "append", "/a/indirect_sym", "ok", "/a/foo", "/a/foo f 0644 now 'foo-content+app'", ["/a d 0750 top", "/a/foo f 0644 now 'foo-content+app'"] },
        { "append", "/a/dangling_sym", "ok", "/a/no_such_file", "/a/no_such_file f 0644 now '+app'", ["/a d 0750 now", "/a/no_such_file f 0644 now '+app'"] },
        { "append", "/a/sub", "EX UnauthorizedAccessException hr=0x80070005", "/a/sub", "/a/sub d 0700 top", [] },
        { "append", "/a/dir_sym", "EX UnauthorizedAccessException hr=0x80070005", "/a/sub", "/a/sub d 0700 top", [] },
        { "append", "/nodir/x", "EX DirectoryNotFoundException hr=0x80070003", "/nodir/x", null, [] },
        { "append", "/a/foo/", "EX UnauthorizedAccessException hr=0x80070005", "/a/foo", "/a/foo f 0644 bottom-file 'foo-content'", [] },
        { "append", "/a/missing/", "EX UnauthorizedAccessException hr=0x80070005", "/a/missing", null, [] },
        { "append", "/a/direct_sym/", "EX UnauthorizedAccessException hr=0x80070005", "/a/foo", "/a/foo f 0644 bottom-file 'foo-content'", [] },
        { "append", "/a/dangling_sym/", "EX UnauthorizedAccessException hr=0x80070005", "/a/no_such_file", null, [] },
        { "append", "/a/sub/", "EX UnauthorizedAccessException hr=0x80070005", "/a/sub", "/a/sub d 0700 top", [] },
        { "append", "/a/hidden", "ok", "/a/hidden", "/a/hidden f 0644 now '+app'", ["/a d 0750 now", "/a/hidden f 0644 now '+app'"] },
        { "append", "/opq/old", "ok", "/opq/old", "/opq/old f 0644 now '+app'", ["/opq d 0755 now", "/opq/old f 0644 now '+app'"] },
        { "append", "/a/sub/leaf", "ok", "/a/sub/leaf", "/a/sub/leaf f 0644 now 'leaf+app'", ["/a d 0750 top", "/a/sub d 0700 top", "/a/sub/leaf f 0644 now 'leaf+app'"] },
        { "truncate", "/a/foo", "ok", "/a/foo", "/a/foo f 0644 now 'T'", ["/a d 0750 top", "/a/foo f 0644 now 'T'"] },
        { "truncate", "/file", "ok", "/file", "/file f 0640 now 'T'", ["/file f 0640 now 'T'"] },
        { "truncate", "/a/missing", "EX FileNotFoundException hr=0x80070002", "/a/missing", null, [] },
        { "truncate", "/a/newfile", "ok", "/a/newfile", "/a/newfile f 0644 now 'T'", ["/a d 0750 now", "/a/newfile f 0644 now 'T'"] },
        { "truncate", "/a/direct_sym", "ok", "/a/foo", "/a/foo f 0644 now 'T'", ["/a d 0750 top", "/a/foo f 0644 now 'T'"] },
        { "truncate", "/a/indirect_sym", "ok", "/a/foo", "/a/foo f 0644 now 'T'", ["/a d 0750 top", "/a/foo f 0644 now 'T'"] },
        { "truncate", "/a/dangling_sym", "EX FileNotFoundException hr=0x80070002", "/a/no_such_file", null, [] },
        { "truncate", "/a/sub", "EX UnauthorizedAccessException hr=0x80070005", "/a/sub", "/a/sub d 0700 top", [] },
        { "truncate", "/a/dir_sym", "EX UnauthorizedAccessException hr=0x80070005", "/a/sub", "/a/sub d 0700 top", [] },
        { "truncate", "/nodir/x", "EX DirectoryNotFoundException hr=0x80070003", "/nodir/x", null, [] },
        { "truncate", "/a/foo/", "EX DirectoryNotFoundException hr=0x80070003", "/a/foo", "/a/foo f 0644 bottom-file 'foo-content'", [] },
        { "truncate", "/a/missing/", "EX FileNotFoundException hr=0x80070002", "/a/missing", null, [] },
        { "truncate", "/a/direct_sym/", "EX DirectoryNotFoundException hr=0x80070003", "/a/foo", "/a/foo f 0644 bottom-file 'foo-content'", [] },
        { "truncate", "/a/dangling_sym/", "EX FileNotFoundException hr=0x80070002", "/a/no_such_file", null, [] },
        { "truncate", "/a/sub/", "EX UnauthorizedAccessException hr=0x80070005", "/a/sub", "/a/sub d 0700 top", [] },
        { "truncate", "/a/hidden", "EX FileNotFoundException hr=0x80070002", "/a/hidden", null, [] },
        { "truncate", "/opq/old", "EX FileNotFoundException hr=0x80070002", "/opq/old", null, [] },
        { "truncate", "/a/sub/leaf", "ok", "/a/sub/leaf", "/a/sub/leaf f 0644 now 'T'", ["/a d 0750 top", "/a/sub d 0700 top", "/a/sub/leaf f 0644 now 'T'"] },
        { "create", "/a/foo", "ok", "/a/foo", "/a/foo f 0644 now 'created'", ["/a d 0750 top", "/a/foo f 0644 now 'created'"] },
        { "create", "/file", "ok", "/file", "/file f 0640 now 'created'", ["/file f 0640 now 'created'"] },
        { "create", "/a/missing", "ok", "/a/missing", "/a/missing f 0644 now 'created'", ["/a d 0750 now", "/a/missing f 0644 now 'created'"] },
        { "create", "/a/newfile", "ok", "/a/newfile", "/a/newfile f 0644 now 'created'", ["/a d 0750 now", "/a/newfile f 0644 now 'created'"] },
        { "create", "/a/direct_sym", "ok", "/a/foo", "/a/foo f 0644 now 'created'", ["/a d 0750 top", "/a/foo f 0644 now 'created'"] },
        { "create", "/a/indirect_sym", "ok", "/a/foo", "/a/foo f 0644 now 'created'", ["/a d 0750 top", "/a/foo f 0644 now 'created'"] },
        { "create", "/a/dangling_sym", "ok", "/a/no_such_file", "/a/no_such_file f 0644 now 'created'", ["/a d 0750 now", "/a/no_such_file f 0644 now 'created'"] },
        { "create", "/a/sub", "EX UnauthorizedAccessException hr=0x80070005", "/a/sub", "/a/sub d 0700 top", [] },
        { "create", "/a/dir_sym", "EX UnauthorizedAccessException hr=0x80070005", "/a/sub", "/a/sub d 0700 top", [] },
        { "create", "/nodir/x", "EX DirectoryNotFoundException hr=0x80070003", "/nodir/x", null, [] },
        { "create", "/a/foo/", "EX UnauthorizedAccessException hr=0x80070005", "/a/foo", "/a/foo f 0644 bottom-file 'foo-content'", [] },
        { "create", "/a/missing/", "EX UnauthorizedAccessException hr=0x80070005", "/a/missing", null, [] },
        { "create", "/a/direct_sym/", "EX UnauthorizedAccessException hr=0x80070005", "/a/foo", "/a/foo f 0644 bottom-file 'foo-content'", [] },
        { "create", "/a/dangling_sym/", "EX UnauthorizedAccessException hr=0x80070005", "/a/no_such_file", null, [] },
        { "create", "/a/sub/", "EX UnauthorizedAccessException hr=0x80070005", "/a/sub", "/a/sub d 0700 top", [] },
        { "create", "/a/hidden", "ok", "/a/hidden", "/a/hidden f 0644 now 'created'", ["/a d 0750 now", "/a/hidden f 0644 now 'created'"] },
        { "create", "/opq/old", "ok", "/opq/old", "/opq/old f 0644 now 'created'", ["/opq d 0755 now", "/opq/old f 0644 now 'created'"] },
        { "create", "/a/sub/leaf", "ok", "/a/sub/leaf", "/a/sub/leaf f 0644 now 'created'", ["/a d 0750 top", "/a/sub d 0700 top", "/a/sub/leaf f 0644 now 'created'"] },
        { "openorcreate", "/a/foo", "ok", "/a/foo", "/a/foo f 0644 now 'OCo-content'", ["/a d 0750 top", "/a/foo f 0644 now 'OCo-content'"] },
        { "openorcreate", "/file", "ok", "/file", "/file f 0640 now 'OCle-content'", ["/file f 0640 now 'OCle-content'"] },
        { "openorcreate", "/a/missing", "ok", "/a/missing", "/a/missing f 0644 now 'OC'", ["/a d 0750 now", "/a/missing f 0644 now 'OC'"] },
        { "openorcreate", "/a/newfile", "ok", "/a/newfile", "/a/newfile f 0644 now 'OCwcontent'", ["/a d 0750 now", "/a/newfile f 0644 now 'OCwcontent'"] },
        { "openorcreate", "/a/direct_sym", "ok", "/a/foo", "/a/foo f 0644 now 'OCo-content'", ["/a d 0750 top", "/a/foo f 0644 now 'OCo-content'"] },
        { "openorcreate", "/a/indirect_sym", "ok", "/a/foo", "/a/foo f 0644 now 'OCo-content'", ["/a d 0750 top", "/a/foo f 0644 now 'OCo-content'"] },
        { "openorcreate", "/a/dangling_sym", "ok", "/a/no_such_file", "/a/no_such_file f 0644 now 'OC'", ["/a d 0750 now", "/a/no_such_file f 0644 now 'OC'"] },
        { "openorcreate", "/a/sub", "EX UnauthorizedAccessException hr=0x80070005", "/a/sub", "/a/sub d 0700 top", [] },
        { "openorcreate", "/a/dir_sym", "EX UnauthorizedAccessException hr=0x80070005", "/a/sub", "/a/sub d 0700 top", [] },
        { "openorcreate", "/nodir/x", "EX DirectoryNotFoundException hr=0x80070003", "/nodir/x", null, [] },
        { "openorcreate", "/a/foo/", "EX UnauthorizedAccessException hr=0x80070005", "/a/foo", "/a/foo f 0644 bottom-file 'foo-content'", [] },
        { "openorcreate", "/a/missing/", "EX UnauthorizedAccessException hr=0x80070005", "/a/missing", null, [] },
        { "openorcreate", "/a/direct_sym/", "EX UnauthorizedAccessException hr=0x80070005", "/a/foo", "/a/foo f 0644 bottom-file 'foo-content'", [] },
        { "openorcreate", "/a/dangling_sym/", "EX UnauthorizedAccessException hr=0x80070005", "/a/no_such_file", null, [] },
        { "openorcreate", "/a/sub/", "EX UnauthorizedAccessException hr=0x80070005", "/a/sub", "/a/sub d 0700 top", [] },
        { "openorcreate", "/a/hidden", "ok", "/a/hidden", "/a/hidden f 0644 now 'OC'", ["/a d 0750 now", "/a/hidden f 0644 now 'OC'"] },
        { "openorcreate", "/opq/old", "ok", "/opq/old", "/opq/old f 0644 now 'OC'", ["/opq d 0755 now", "/opq/old f 0644 now 'OC'"] },
        { "openorcreate", "/a/sub/leaf", "ok", "/a/sub/leaf", "/a/sub/leaf f 0644 now 'OCaf'", ["/a d 0750 top", "/a/sub d 0700 top", "/a/sub/leaf f 0644 now 'OCaf'"] },
        { "createnew", "/a/foo", "EX IOException hr=17", "/a/foo", "/a/foo f 0644 bottom-file 'foo-content'", [] },
        { "createnew", "/file", "EX IOException hr=17", "/file", "/file f 0640 top-file 'file-content'", [] },
        { "createnew", "/a/missing", "ok", "/a/missing", "/a/missing f 0644 now 'excl'", ["/a d 0750 now", "/a/missing f 0644 now 'excl'"] },
        { "createnew", "/a/newfile", "EX IOException hr=17", "/a/newfile", "/a/newfile f 0644 now 'newcontent'", ["/a d 0750 now", "/a/newfile f 0644 now 'newcontent'"] },
        { "createnew", "/a/direct_sym", "EX IOException hr=17", "/a/foo", "/a/foo f 0644 bottom-file 'foo-content'", [] },
        { "createnew", "/a/indirect_sym", "EX IOException hr=17", "/a/foo", "/a/foo f 0644 bottom-file 'foo-content'", [] },
        { "createnew", "/a/dangling_sym", "EX IOException hr=17", "/a/no_such_file", null, [] },
        { "createnew", "/a/sub", "EX IOException hr=17", "/a/sub", "/a/sub d 0700 top", [] },
        { "createnew", "/a/dir_sym", "EX IOException hr=17", "/a/sub", "/a/sub d 0700 top", [] },
        { "createnew", "/nodir/x", "EX DirectoryNotFoundException hr=0x80070003", "/nodir/x", null, [] },
        { "createnew", "/a/foo/", "EX UnauthorizedAccessException hr=0x80070005", "/a/foo", "/a/foo f 0644 bottom-file 'foo-content'", [] },
        { "createnew", "/a/missing/", "EX UnauthorizedAccessException hr=0x80070005", "/a/missing", null, [] },
        { "createnew", "/a/direct_sym/", "EX UnauthorizedAccessException hr=0x80070005", "/a/foo", "/a/foo f 0644 bottom-file 'foo-content'", [] },
        { "createnew", "/a/dangling_sym/", "EX UnauthorizedAccessException hr=0x80070005", "/a/no_such_file", null, [] },
        { "createnew", "/a/sub/", "EX UnauthorizedAccessException hr=0x80070005", "/a/sub", "/a/sub d 0700 top", [] },
        { "createnew", "/a/hidden", "ok", "/a/hidden", "/a/hidden f 0644 now 'excl'", ["/a d 0750 now", "/a/hidden f 0644 now 'excl'"] },
        { "createnew", "/opq/old", "ok", "/opq/old", "/opq/old f 0644 now 'excl'", ["/opq d 0755 now", "/opq/old f 0644 now 'excl'"] },
        { "createnew", "/a/sub/leaf", "EX IOException hr=17", "/a/sub/leaf", "/a/sub/leaf f 0644 bottom-file 'leaf'", [] },
    };

    [Theory]
    [MemberData(nameof(KernelRecorded))]
    public void Open_WithEachModeOnEachKindOfName_MatchesTheKernelMount(string mode, string path, string outcome, string checkedPath, string? mergedAfter, string[] upperAfter)
    {
        if (path == "/a/newfile")
        {
            Overlay.File.WriteAllText(path, "newcontent");
        }

        Outcome.Of(() => Open(mode, path)).Should().Be(outcome);

        MergedLine(checkedPath).Should().Be(mergedAfter);
        UpperLines().Should().Equal(upperAfter);
    }

    [Fact]
    public void Append_WhenTheFileIsInALower_CopiesItUpWithItsModeAndParents()
    {
        Overlay.File.AppendAllText("/a/sub/leaf", "+more");

        Overlay.File.ReadAllText("/a/sub/leaf").Should().Be("leaf+more");
        UpperLines().Should().Equal(
            "/a d 0750 top",
            "/a/sub d 0700 top",
            "/a/sub/leaf f 0644 now 'leaf+more'");
    }

    [Fact]
    public void Write_WhenTheFileIsInALower_CopiesItsWholeDataBeforeTheWrite()
    {
        using (var stream = Overlay.FileStream.New("/a/foo", FileMode.Open, FileAccess.Write))
        {
            stream.Seek(4, SeekOrigin.Begin);
            stream.Write("CON"u8);
        }

        Overlay.File.ReadAllText("/a/foo").Should().Be("foo-CONtent");
        UpperBytes("/a/foo").Should().Equal("foo-CONtent"u8.ToArray());
    }

    [Fact]
    public void Read_WhenTheFileIsInALower_LeavesTheUpperEmpty()
    {
        Overlay.File.ReadAllText("/a/sub/leaf").Should().Be("leaf");

        UpperLines().Should().BeEmpty();
    }

    [Fact]
    public void Create_ThroughADanglingSymlink_CreatesTheTargetAndKeepsTheLink()
    {
        Overlay.File.WriteAllText("/a/dangling_sym", "through the link");

        Overlay.File.ReadAllText("/a/no_such_file").Should().Be("through the link");
        Overlay.FileInfo.New("/a/dangling_sym").LinkTarget.Should().Be("no_such_file");
        UpperLines().Should().Equal("/a d 0750 now", "/a/no_such_file f 0644 now 'through the link'");
    }

    [Fact]
    public void CreateNew_ThroughADanglingSymlink_FailsWithEExistAndCreatesNothing()
    {
        var act = () => Overlay.FileStream.New("/a/dangling_sym", FileMode.CreateNew, FileAccess.Write).Dispose();

        act.Should().Throw<IOException>().Where(e => e.HResult == 17);
        Overlay.File.Exists("/a/no_such_file").Should().BeFalse();
        UpperLines().Should().BeEmpty();
    }

    [Fact]
    public void Write_ThroughTwoLevelsOfSymlink_CopiesUpOnlyTheFinalTarget()
    {
        Overlay.File.AppendAllText("/a/indirect_sym", "!");

        Overlay.File.ReadAllText("/a/foo").Should().Be("foo-content!");
        UpperLines().Should().Equal("/a d 0750 top", "/a/foo f 0644 now 'foo-content!'");
        UpperEntry("/a/indirect_sym").Should().BeNull("the links themselves are not copied up");
    }

    [Theory]
    [InlineData("/a/sub")]
    [InlineData("/a/emptysub")]
    [InlineData("/a/dir_sym")]
    [InlineData("/")]
    public void OpenForWrite_WhenTheNameIsADirectory_ThrowsUnauthorizedAccessAndCopiesNothingUp(string path)
    {
        var act = () => Overlay.FileStream.New(path, FileMode.Open, FileAccess.Write).Dispose();

        act.Should().Throw<UnauthorizedAccessException>();
        UpperLines().Should().BeEmpty();
    }

    [Fact]
    public void Create_WhenTheNameIsWhitedOutInALower_MakesAPlainUpperFile()
    {
        Overlay.File.WriteAllText("/a/hidden", "back");

        Overlay.File.ReadAllText("/a/hidden").Should().Be("back");
        UpperEntry("/a/hidden").Should().BeEquivalentTo(new { Kind = LayerEntryKind.File, Length = 4L });
    }

    [Fact]
    public void Create_UnderAnOpaqueLowerDirectory_DoesNotResurrectTheHiddenName()
    {
        Overlay.File.Exists("/opq/old").Should().BeFalse();

        Overlay.File.WriteAllText("/opq/old", "again");

        Names("/opq").Should().Equal("new", "old");
        Overlay.File.ReadAllText("/opq/old").Should().Be("again");
    }

    [Fact]
    public void Create_AppliesTheUmaskToTheNewFile()
    {
        Overlay.File.WriteAllText("/a/created", "x");

        UpperEntry("/a/created")!.Value.Mode.Should().Be(StandardLowers.Mode0644);
    }

    private object? Open(string mode, string path)
    {
        switch (mode)
        {
            case "read":
                return Encoding.UTF8.GetString(Overlay.File.ReadAllBytes(path));
            case "write":
                using (var stream = Overlay.FileStream.New(path, FileMode.Open, FileAccess.Write))
                {
                    stream.Write("XY"u8);
                }

                return null;
            case "rw-nowrite":
                Overlay.FileStream.New(path, FileMode.Open, FileAccess.ReadWrite).Dispose();
                return null;
            case "append":
                Overlay.File.AppendAllText(path, "+app");
                return null;
            case "truncate":
                using (var stream = Overlay.FileStream.New(path, FileMode.Truncate, FileAccess.Write))
                {
                    stream.Write("T"u8);
                }

                return null;
            case "create":
                Overlay.File.WriteAllText(path, "created");
                return null;
            case "openorcreate":
                using (var stream = Overlay.FileStream.New(path, FileMode.OpenOrCreate, FileAccess.Write))
                {
                    stream.Write("OC"u8);
                }

                return null;
            case "createnew":
                using (var stream = Overlay.FileStream.New(path, FileMode.CreateNew, FileAccess.Write))
                {
                    stream.Write("excl"u8);
                }

                return null;
            default:
                throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown open mode.");
        }
    }
}
