// The narrated walkthrough as a callable story, so the sample program and `overlay demo` run the
// same code. Program.cs only parses its arguments and calls Run.
using System.Globalization;
using System.Formats.Tar;
using Overlay;
using Overlay.Images;
using Overlay.Layers;

namespace Overlay.Samples.Walkthrough;

/// <summary>
/// The walkthrough's story: how Docker stores images and containers with the overlay2 driver,
/// told end to end on a real store in a temporary directory (images, a container, its init layer,
/// copy-up, whiteouts, the bind-mounted files, restart, diff, commit, export).
/// </summary>
public static class SeedStory
{
    private const UnixFileMode Executable = (UnixFileMode)0b111_101_101; // 0755

    /// <summary>Runs the story in a temporary directory and narrates each step.</summary>
    /// <param name="output">Where the narration is written.</param>
    /// <param name="keep">Keep the temporary directory afterwards (its path is printed).</param>
    /// <returns>The process exit code: 0.</returns>
    public static int Run(TextWriter output, bool keep = false)
    {
        ArgumentNullException.ThrowIfNull(output);
        string home = Directory.CreateTempSubdirectory("overlay-walkthrough-").FullName;
        try
        {
            new Story(output, home).Tell();
        }
        finally
        {
            if (keep)
            {
                output.WriteLine($"\nThe store is kept in {home}");
            }
            else
            {
                Directory.Delete(home, recursive: true);
            }
        }

        return 0;
    }

    private sealed class Story(TextWriter output, string home)
    {
        private readonly List<OverlayEvent> _trace = [];
        private readonly Dictionary<string, string> _layerNames = new(StringComparer.Ordinal);

        public void Tell()
        {
            output.WriteLine("Overlay walkthrough: how Docker stores images and containers (overlay2), replayed on a real store");
            output.WriteLine($"  in {home}");

            // The OCI whiteout form keeps the markers visible as plain files; Docker's own overlay2
            // directories hold the kernel's form (character devices 0/0), which the store also writes.
            using var store = ImageStore.Open(home, new ImageStoreOptions { WhiteoutForm = WhiteoutForm.Oci, Durable = false });

            Section("1. An image is a stack of read-only layers");
            Say("""
                Each layer holds only what one build step changed. Docker's layer store names a
                layer three ways: its diff_id (the sha256 of the layer's tar), its chain id (the
                diff_id for the bottom layer, else sha256 of "parent-chain-id diff_id", so the same
                content on another base is another layer), and a random cache id: the name of its
                directory under overlay2/. The "app" layer replaces /app/config.json, adds files
                and deletes /app/data/legacy.csv with a whiteout.
                """);
            var image = store.AddImage([BaseLayer(), AppLayer()], tag: "walkthrough/app:1", comment: "two layers");
            foreach (var (layer, i) in image.Layers.Select((l, i) => (l, i)))
            {
                output.WriteLine($"  layer {i} ({(i == 0 ? "base" : "app")})");
                output.WriteLine($"    diff_id  {layer.DiffId}");
                output.WriteLine($"    chain id {layer.ChainId}");
                output.WriteLine($"    cache id {layer.CacheId}  -> {Relative(Path.Combine(home, "overlay2", layer.CacheId))}");
            }

            output.WriteLine($"  image id {image.Id}");
            _layerNames[image.Layers[0].CacheId] = "base";
            _layerNames[image.Layers[1].CacheId] = "app";

            Section("2. A container: an init layer and a writable layer of its own");
            Say("""
                `docker create` adds two layers. The init layer (<id>-init) holds what the runtime
                needs whatever the image has: empty /etc/hosts, /etc/hostname, /etc/resolv.conf,
                /.dockerenv, /dev/console, the mount points /dev/pts, /dev/shm, /proc, /sys, and
                /etc/mtab -> /proc/mounts. Above it, the container's own layer: the upper, with its
                work directory. `docker inspect` lists them as GraphDriver data: LowerDir is the
                init layer, then the image's layers topmost first.
                """);
            var container = store.CreateContainer("walkthrough/app:1", new ContainerOptions { Name = "c1", Hostname = "c1" });
            container.FileSystem.Trace += (_, e) => _trace.Add(e);
            container.FileSystem.LookupTrace += (_, e) => _trace.Add(e);
            _layerNames[container.MountId + "-init"] = "init";
            _layerNames[container.MountId] = "container";
            output.WriteLine($"  container {container.Name} {container.Id}");
            output.WriteLine("  \"GraphDriver\": " + container.GraphDriver.ToJson().Replace("\n", "\n  ", StringComparison.Ordinal));
            output.WriteLine();
            output.WriteLine($"  the init layer, {Relative(Path.Combine(home, "overlay2", container.MountId + "-init", "diff"))}:");
            PrintLayer(container.InitLayer, "/", 2);

            Section("3. The merged view");
            Say("""
                The container sees one tree. A lookup asks the upper first, then each lower from
                the top; the first layer that has the name answers. A whiteout hides the name, so
                legacy.csv is gone. Right: the layer that answered (from the overlay's Trace events).
                /etc shows as the container's: the bind mounts inside it need an upper directory.
                """);
            PrintMerged(container.FileSystem, "/", 1);

            Section("4. Writing a file of the image: copy-up");
            Say("""
                Image layers are never written. Before /etc/motd can change, the overlay copies it
                into the upper (parents first, then the file with its data, mode and times), built
                in the work directory and renamed into place in one step.
                """);
            _trace.Clear();
            container.FileSystem.File.AppendAllText("/etc/motd", "This container was started by the walkthrough.\n");
            PrintTrace();
            Indent(container.FileSystem.File.ReadAllText("/etc/motd"));

            Section("5. Deleting: whiteouts and an opaque directory");
            Say("""
                Deleting /app/config.json writes a whiteout in the upper; one whiteout hides the
                name in every layer below. Removing /app/data and making it again marks the new
                directory opaque: the image's /app/data no longer takes part in the merge.
                Renaming /app/server.py copies it up, renames it there, and whites out the old name.
                """);
            _trace.Clear();
            container.FileSystem.File.Delete("/app/config.json");
            container.FileSystem.Directory.Delete("/app/data", recursive: true);
            container.FileSystem.Directory.CreateDirectory("/app/data");
            container.FileSystem.File.WriteAllText("/app/data/fresh.csv", "new,start\n");
            container.FileSystem.File.Move("/app/server.py", "/app/main.py");
            PrintTrace();

            Section("6. /etc/hosts, /etc/hostname, /etc/resolv.conf: the container's own files");
            Say("""
                Docker keeps these three files beside the container's config (containers/<id>/)
                and bind-mounts them over the init layer's empty files. Writes go to those files:
                never to the upper, so never to a diff or a commit. They cannot be deleted.
                """);
            container.FileSystem.File.WriteAllText("/etc/hosts", "127.0.0.1\tlocalhost\n10.0.0.2\tc1\n");
            output.WriteLine($"  /etc/hostname reads: {container.FileSystem.File.ReadAllText("/etc/hostname").Trim()}");
            output.WriteLine($"  /etc/hosts now lives in {Relative(container.HostsPath)}:");
            Indent(File.ReadAllText(container.HostsPath));
            try
            {
                container.FileSystem.File.Delete("/etc/hosts");
            }
            catch (IOException e)
            {
                output.WriteLine($"  rm /etc/hosts: {e.Message}");
            }

            Section("7. The container's layer on disk");
            Say("""
                This is all the container owns: copied-up and new objects, whiteouts (.wh.<name>)
                and opaque markers (.wh..wh..opq). No /etc/hosts: that write went elsewhere.
                """);
            string upper = Path.Combine(home, "overlay2", container.MountId, "diff");
            output.WriteLine($"  {Relative(upper)}:");
            PrintDisk(upper, 2);

            Section("8. docker diff");
            Say("""
                A added, C changed, D deleted. A deleted directory is one D; a directory deleted and
                made again is C, with A for its new children and D for each child the image had.
                The init layer's files and the bind-mounted files never appear.
                """);
            foreach (var change in container.Diff())
            {
                output.WriteLine($"  {change}");
            }

            Section("9. Stop and start again: the writes are still there");
            Say("""
                A stopped container keeps its layer. Opening it again by id mounts the same upper,
                so everything it wrote is there. A new container from the same image is a new,
                empty upper: it starts clean.
                """);
            string id = container.Id;
            container.Dispose();
            container = store.OpenContainer(id);
            output.WriteLine($"  reopened {container.Name}: /app/main.py exists: {container.FileSystem.File.Exists("/app/main.py")}, {container.Diff().Count} changes");
            using (var fresh = store.CreateContainer("walkthrough/app:1"))
            {
                output.WriteLine($"  new container {fresh.Name}: /app/config.json reads {fresh.FileSystem.File.ReadAllText("/app/config.json").Trim()}, {fresh.Diff().Count} changes");
            }

            Section("10. docker commit: the container's layer becomes an image layer");
            Say("""
                The new image is the old image's layers plus one layer made from the upper alone:
                not the init layer, not the bind-mounted files. The old image cannot be deleted while
                a container uses it, nor can a layer another image stands on.
                """);
            var committed = container.Commit("walkthrough/app:2", "committed by the walkthrough");
            output.WriteLine($"  image {committed}: {committed.Layers.Count} layers, parent {committed.Parent![..19]}");
            using (var c2 = store.CreateContainer("walkthrough/app:2"))
            {
                output.WriteLine("  the committed layer:");
                PrintLayer(c2.LowersTopFirst[1], "/", 2);
            }

            try
            {
                store.DeleteImage("walkthrough/app:1");
            }
            catch (InvalidOperationException e)
            {
                output.WriteLine($"  docker rmi walkthrough/app:1: {e.Message}");
            }

            Section("11. docker export: the flattened merged view");
            Say("""
                Export writes what the container sees as one tar: every layer merged, no
                whiteouts, the init layer's files included (empty, as the init layer holds them).
                """);
            using (var tar = new MemoryStream())
            {
                container.Export(tar);
                tar.Position = 0;
                using var reader = new TarReader(tar);
                int count = 0;
                while (reader.GetNextEntry() is { } entry)
                {
                    count++;
                    if (entry.Name.StartsWith("app/", StringComparison.Ordinal) || entry.Name == "etc/hosts")
                    {
                        output.WriteLine($"  {entry.EntryType,-13} {entry.Name} ({entry.Length} bytes)");
                    }
                }

                output.WriteLine($"  {count} entries in {tar.Length} bytes");
            }

            container.Dispose();
        }

        // ---- The image's layers, as `docker build` would have made them

        private static MemoryLayer BaseLayer() => new MemoryLayer("base")
            .AddFile("/etc/os-release", "NAME=\"Alpine Linux\"\nVERSION_ID=3.20.0\n")
            .AddFile("/etc/motd", "Welcome to Alpine!\n")
            .AddFile("/bin/busybox", "(busybox binary)", Executable)
            .AddSymbolicLink("/bin/sh", "busybox")
            .AddFile("/app/config.json", "{ \"debug\": true }\n")
            .AddFile("/app/data/seed.sql", "CREATE TABLE users (name TEXT);\n")
            .AddFile("/app/data/users.csv", "name\nada\nlinus\n")
            .AddFile("/app/data/legacy.csv", "old,format\n")
            .AddDirectory("/tmp", (UnixFileMode)0b1_111_111_111);

        private static MemoryLayer AppLayer() => new MemoryLayer("app")
            .AddFile("/app/config.json", "{ \"debug\": false }\n")
            .AddFile("/app/server.py", "print('serving')\n")
            .AddFile("/app/data/products.csv", "sku,price\n1,9.99\n")
            .AddWhiteout("/app/data/legacy.csv");

        // ---- Printing

        private string Relative(string path) => "<root>/" + Path.GetRelativePath(home, path).Replace('\\', '/');

        private void Section(string title) => output.WriteLine($"\n== {title} ==\n");

        private void Say(string text)
        {
            output.WriteLine(text);
            output.WriteLine();
        }

        private void Indent(string text)
        {
            foreach (var line in text.TrimEnd('\n').Split('\n'))
            {
                output.WriteLine($"    | {line}");
            }
        }

        // The Trace events of the last step; lookups are left out, the writes are the story here.
        private void PrintTrace()
        {
            foreach (var e in _trace.Where(e => e.Kind is not (OverlayEventKind.Lookup or OverlayEventKind.LookupStep or OverlayEventKind.LookupMerge or OverlayEventKind.LookupWhiteout)))
            {
                string detail = e.Kind switch
                {
                    OverlayEventKind.CopyUp => $"  (from {_layerNames.GetValueOrDefault(e.Layer ?? "?", e.Layer ?? "?")})",
                    OverlayEventKind.Renamed => $"  (was {e.OldPath})",
                    _ => string.Empty,
                };
                output.WriteLine($"  trace: {e.Kind,-15} {e.Path}{detail}");
            }

            output.WriteLine();
        }

        // One layer exactly as it stores its entries, whiteouts and opaque markers included.
        private void PrintLayer(ILayer layer, string directory, int depth)
        {
            foreach (var entry in layer.ListDirectory(directory).OrderBy(e => e.Name, StringComparer.Ordinal))
            {
                string path = directory == "/" ? "/" + entry.Name : directory + "/" + entry.Name;
                string what = entry.Kind switch
                {
                    LayerEntryKind.Directory => entry.IsOpaque ? "directory, opaque" : "directory",
                    LayerEntryKind.File => $"file, {entry.Length} bytes",
                    LayerEntryKind.SymbolicLink => $"symlink -> {entry.LinkTarget}",
                    _ => "whiteout",
                };
                Row(depth, entry.Name + (entry.IsDirectory ? "/" : string.Empty), what);
                if (entry.IsDirectory)
                {
                    PrintLayer(layer, path, depth + 1);
                }
            }
        }

        // A folder exactly as the disk holds it: the OCI markers are plain files here.
        private void PrintDisk(string directory, int depth)
        {
            foreach (var info in new DirectoryInfo(directory).EnumerateFileSystemInfos().OrderBy(i => i.Name, StringComparer.Ordinal))
            {
                if (info.LinkTarget is { } target)
                {
                    Row(depth, info.Name + " -> " + target, "symlink");
                    continue;
                }

                string mode = OperatingSystem.IsWindows() ? string.Empty : Convert.ToString((int)info.UnixFileMode, 8).PadLeft(4, '0') + " ";
                if (info is DirectoryInfo)
                {
                    Row(depth, info.Name + "/", mode + "directory");
                    PrintDisk(info.FullName, depth + 1);
                }
                else
                {
                    long length = ((FileInfo)info).Length;
                    Row(depth, info.Name, mode + (info.Name.StartsWith(".wh.", StringComparison.Ordinal) ? "empty file (OCI marker)" : length.ToString(CultureInfo.InvariantCulture) + " bytes"));
                }
            }
        }

        // The merged tree, each name with the layer that answered its lookup.
        private void PrintMerged(OverlayFileSystem fs, string directory, int depth)
        {
            foreach (var path in fs.Directory.EnumerateFileSystemEntries(directory).Order(StringComparer.Ordinal))
            {
                _trace.Clear();
                var attributes = fs.File.GetAttributes(path);
                string layer = _trace.FirstOrDefault(e => e.Kind == OverlayEventKind.Lookup)?.Layer ?? "?";
                bool isLink = attributes.HasFlag(FileAttributes.ReparsePoint);
                bool isDirectory = attributes.HasFlag(FileAttributes.Directory) && !isLink;
                string name = fs.Path.GetFileName(path) + (isDirectory ? "/" : isLink ? " -> " + fs.FileInfo.New(path).LinkTarget : string.Empty);
                string label = _layerNames.GetValueOrDefault(layer, layer);
                if (path is "/etc/hostname" or "/etc/hosts" or "/etc/resolv.conf")
                {
                    label = "bind mount of containers/<id>/" + fs.Path.GetFileName(path);
                }

                Row(depth, name, label);
                if (isDirectory)
                {
                    PrintMerged(fs, path, depth + 1);
                }
            }
        }

        private void Row(int depth, string name, string note) =>
            output.WriteLine($"{new string(' ', depth * 2)}{name.PadRight(36 - (depth * 2))} {note}");
    }
}
