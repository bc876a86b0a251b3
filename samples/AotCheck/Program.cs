using System.Text;
using Overlay;
using Overlay.Images;
using Overlay.Layers;
using Overlay.Oci;
using Overlay.Oci.Export;

// Every public entry point of Overlay.Core, each checked, in a NativeAOT app: a step that throws
// or answers wrongly ends the app with exit code 1 and names the step.
var work = Directory.CreateTempSubdirectory("overlay-aot-check-").FullName;
int failures = 0;
try
{
    Step("overlay in memory", () =>
    {
        var image = new MemoryLayer("image").AddFile("/etc/motd", "hello").AddFile("/etc/old", "x");
        using var fs = new OverlayFileSystem(lowersTopFirst: [image], upper: new MemoryLayer("container"));
        var trace = new List<OverlayEventKind>();
        fs.Trace += (_, e) => trace.Add(e.Kind);
        fs.File.AppendAllText("/etc/motd", " world");
        fs.File.Delete("/etc/old");
        Expect(fs.File.ReadAllText("/etc/motd") == "hello world", "copy-up and append");
        Expect(string.Join(" ", fs.Changes()) == "C /etc C /etc/motd D /etc/old", "Changes: " + string.Join(" ", fs.Changes()));
        Expect(trace.Contains(OverlayEventKind.CopyUp), "the trace reports the copy-up");
        Expect(image.TryGetEntry("/etc/old", out _), "the lower is never written");
    });

    Step("host directory layers", () =>
    {
        string lower = Path.Combine(work, "host", "lower");
        Directory.CreateDirectory(Path.Combine(lower, "data"));
        File.WriteAllText(Path.Combine(lower, "data", "a.txt"), "lower");
        Directory.CreateDirectory(Path.Combine(work, "host", "upper"));
        Directory.CreateDirectory(Path.Combine(work, "host", "work"));
        using var lowerLayer = new HostDirectoryLayer(lower);
        using var upper = new HostDirectoryLayer(Path.Combine(work, "host", "upper"),
            new HostDirectoryLayerOptions { WorkDirectory = Path.Combine(work, "host", "work") });
        using var fs = new OverlayFileSystem(lowersTopFirst: [lowerLayer], upper: upper);
        fs.File.WriteAllText("/data/a.txt", "upper");
        fs.Directory.CreateDirectory("/data/new");
        Expect(fs.File.ReadAllText("/data/a.txt") == "upper", "write through the overlay");
        Expect(File.ReadAllText(Path.Combine(lower, "data", "a.txt")) == "lower", "the lower directory is never written");
        Expect(File.ReadAllText(Path.Combine(work, "host", "upper", "data", "a.txt")) == "upper", "the upper directory holds the copy");
    });

    string layerTar = Path.Combine(work, "base.layer.tar");
    string changesTar = Path.Combine(work, "changes.tar");
    var baseLayer = new MemoryLayer("base").AddFile("/etc/motd", "hello").AddFile("/data/old.txt", "old");
    Step("layer tar export", () =>
    {
        using var fs = new OverlayFileSystem(lowersTopFirst: [baseLayer], upper: new MemoryLayer("container"));
        fs.File.AppendAllText("/etc/motd", " world");
        fs.File.Delete("/data/old.txt");
        var progress = new List<OciProgress>();
        LayerTarExporter.ExportToFile(baseLayer, layerTar);
        var result = LayerTarExporter.ExportToFile(fs.Upper!, changesTar, progress: new SyncProgress<OciProgress>(progress.Add));
        Expect(result.DiffId.ToString().StartsWith("sha256:", StringComparison.Ordinal), "a sha256 diff_id");
        Expect(progress.Count > 0, "progress reported");
    });

    Step("tar layers read in place", () =>
    {
        using var changes = TarLayer.Open(changesTar);
        using var base1 = TarLayer.Open(layerTar);
        using var fs = new OverlayFileSystem(lowersTopFirst: [changes, base1], upper: null);
        Expect(fs.File.ReadAllText("/etc/motd") == "hello world", "the upper's file");
        Expect(!fs.File.Exists("/data/old.txt"), "the whiteout hides the base's file");
    });

    string archive = Path.Combine(work, "app.tar");
    string layout = Path.Combine(work, "app-oci");
    Step("OCI write: docker save archive and OCI layout", () =>
    {
        var request = new ImageExportRequest
        {
            LayersBottomFirst = [ImageLayerSource.FromTarFile(layerTar), ImageLayerSource.FromTarFile(changesTar)],
            RepoTags = ["example/app:1"],
        };
        var saved = ImageWriter.WriteDockerArchive(request, archive);
        ImageWriter.WriteOciLayout(request, layout);
        Expect(saved.Layers.Count == 2, "two layers written");
    });

    Step("OCI load", () =>
    {
        foreach (string path in new[] { archive, layout })
        {
            using var image = OciImage.Load(path, progress: new SyncProgress<OciProgress>(_ => { }));
            using var fs = new OverlayFileSystem(lowersTopFirst: image.LowersTopFirst, upper: new MemoryLayer("container"));
            Expect(image.RepoTags.Contains("example/app:1"), $"{path}: the tag");
            Expect(fs.File.ReadAllText("/etc/motd") == "hello world", $"{path}: the merged view");
            Expect(!fs.File.Exists("/data/old.txt"), $"{path}: the whiteout");
        }
    });

    foreach (var (name, open) in new (string, Func<ImageStore>)[]
    {
        ("in memory", () => ImageStore.CreateInMemory()),
        ("on disk", () => ImageStore.Open(Path.Combine(work, "store"), new ImageStoreOptions { WhiteoutForm = WhiteoutForm.Oci })),
    })
    {
        Step($"image store and container ({name})", () =>
        {
            using var store = open();
            var image = store.AddImage([baseLayer], tag: "base:1");
            string id;
            using (var c1 = store.CreateContainer("base:1", new ContainerOptions { Name = "c1" }))
            {
                id = c1.Id;
                c1.FileSystem.File.WriteAllText("/etc/motd", "changed");
                Expect(string.Join(" ", c1.Diff()) == "C /etc C /etc/motd", "docker diff: " + string.Join(" ", c1.Diff()));
                var committed = c1.Commit("committed:1");
                Expect(committed.Layers.Count == image.Layers.Count + 1, "commit adds one layer");
                using var exported = new MemoryStream();
                c1.Export(exported);
                Expect(exported.Length > 0, "docker export wrote a tar");
            }

            using var again = store.OpenContainer(id);
            Expect(again.FileSystem.File.ReadAllText("/etc/motd") == "changed", "a reopened container keeps its writes");
        });
    }
}
finally
{
    Directory.Delete(work, recursive: true);
}

Console.WriteLine(failures == 0 ? "AOT check: every entry point works." : $"AOT check: {failures} step(s) failed.");
return failures == 0 ? 0 : 1;

void Step(string name, Action run)
{
    try
    {
        run();
        Console.WriteLine($"ok    {name}");
    }
    catch (Exception e)
    {
        failures++;
        Console.WriteLine($"FAIL  {name}: {e.GetType().Name}: {e.Message}");
    }
}

static void Expect(bool condition, string what)
{
    if (!condition)
    {
        throw new InvalidOperationException("expected " + what);
    }
}

/// <summary>An IProgress that reports on the caller's thread (Progress&lt;T&gt; posts to the thread pool).</summary>
internal sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
