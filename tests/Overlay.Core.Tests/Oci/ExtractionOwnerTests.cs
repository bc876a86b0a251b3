using System.Formats.Tar;
using Overlay.Layers;
using Overlay.Layers.Host;
using Overlay.Oci;

namespace Overlay.Tests.Oci;

/// <summary>
/// Extraction gives every object the tar's owner and mode without asking the disk what owner a new
/// object got: it knows (the process's user and group, or the group of a set-gid parent). A tar's
/// set-gid directory gets its bit only once its children are in; a target whose parent directory is
/// set-gid is where new objects get another group than the process's.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ExtractionOwnerTests : IDisposable
{
    private const UnixFileMode SetGid2775 = (UnixFileMode)0b010_111_111_101;
    private readonly string _root = Directory.CreateTempSubdirectory("overlay-test-extract-owner-").FullName;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    public static TheoryData<WhiteoutForm> Forms => [WhiteoutForm.Oci, WhiteoutForm.Kernel];

    [Theory]
    [MemberData(nameof(Forms))]
    public void ASetGidDirectoryOfTheTar_AndItsChildren_HaveTheTarsOwnersAndModes(WhiteoutForm form)
    {
        SkipUnlessRoot();
        string tar = Path.Combine(_root, "layer.tar");
        WriteTar(tar);
        string target = Path.Combine(_root, "out");
        using (var layer = TarLayer.Open(tar, null, null, Cancel))
        {
            layer.ExtractTo(target, form, null, Cancel);
        }

        Describe(target, "sg").Should().Be("0:50 2775 d");
        Describe(target, "sg/f").Should().Be("0:0 644 f");
        Describe(target, "sg/mine").Should().Be("0:50 640 f");
        Describe(target, "sg/sub").Should().Be("7:0 755 d");
        Describe(target, "sg/sub/g").Should().Be("0:0 600 f");
        Describe(target, "sg/link").Should().Be("0:0 777 l");
    }

    [Fact]
    public void ATargetInASetGidDirectory_GetsTheTarsGroups()
    {
        SkipUnlessRoot();
        string tar = Path.Combine(_root, "layer.tar");
        WriteTar(tar);
        string parent = Path.Combine(_root, "shared");
        Directory.CreateDirectory(parent);
        LinuxSyscalls.LChown(parent, 0, 60).Should().Be(0);
        File.SetUnixFileMode(parent, SetGid2775);
        string target = Path.Combine(parent, "out");
        using (var layer = TarLayer.Open(tar, null, null, Cancel))
        {
            layer.ExtractTo(target, WhiteoutForm.Oci, null, Cancel);
        }

        Describe(target, "top").Should().Be("0:0 644 f", "the staging directory inherited group 60 from the target's parent, and so did the file");
        Describe(target, "sg").Should().Be("0:50 2775 d");
        Describe(target, "sg/f").Should().Be("0:0 644 f");
        Describe(target, "sg/sub").Should().Be("7:0 755 d", "made with group 60 and the set-gid bit inherited, then given the tar's owner and mode");
        Describe(target, "sg/link").Should().Be("0:0 777 l");
        Describe(target, ".").Should().Be("0:0 755 d");
    }

    private static void SkipUnlessRoot()
    {
        if (!LinuxSyscalls.IsSupported || LinuxSyscalls.EffectiveUserId() != 0)
        {
            Assert.Skip("Giving other owners needs root on Linux.");
        }
    }

    private static string Describe(string root, string path)
    {
        LinuxSyscalls.LStat(Path.Combine(root, path), out var stat).Should().Be(0, path);
        string type = stat.IsDirectory ? "d" : stat.IsSymbolicLink ? "l" : "f";
        return $"{stat.Uid}:{stat.Gid} {Convert.ToString((int)stat.Permissions, 8)} {type}";
    }

    private static void WriteTar(string path)
    {
        using var stream = File.Create(path);
        using var writer = new TarWriter(stream, TarEntryFormat.Pax);
        void Add(TarEntryType type, string name, UnixFileMode mode, int uid, int gid, string? link = null)
        {
            var entry = new PaxTarEntry(type, name) { Mode = mode, Uid = uid, Gid = gid };
            if (link is not null)
            {
                entry.LinkName = link;
            }

            if (type == TarEntryType.RegularFile)
            {
                entry.DataStream = new MemoryStream("data"u8.ToArray());
            }

            writer.WriteEntry(entry);
        }

        Add(TarEntryType.Directory, "./", (UnixFileMode)0b111_101_101, 0, 0);
        Add(TarEntryType.RegularFile, "top", (UnixFileMode)0b110_100_100, 0, 0);
        Add(TarEntryType.Directory, "sg/", SetGid2775, 0, 50);
        Add(TarEntryType.RegularFile, "sg/f", (UnixFileMode)0b110_100_100, 0, 0);
        Add(TarEntryType.RegularFile, "sg/mine", (UnixFileMode)0b110_100_000, 0, 50);
        Add(TarEntryType.Directory, "sg/sub/", (UnixFileMode)0b111_101_101, 7, 0);
        Add(TarEntryType.RegularFile, "sg/sub/g", (UnixFileMode)0b110_000_000, 0, 0);
        Add(TarEntryType.SymbolicLink, "sg/link", (UnixFileMode)0b111_111_111, 0, 0, "f");
    }
}
