// The narrated walkthrough as a callable story, so the sample program and `overlay demo` run the
// same code. Program.cs only parses its arguments and calls Run.
using System.Globalization;
using Overlay;
using Overlay.Layers;

namespace Overlay.Samples.Walkthrough;

/// <summary>The walkthrough's story: how Docker stores a container, replayed on real folders.</summary>
public static class SeedStory
{
    /// <summary>Runs the story in a temporary directory and narrates each step.</summary>
    /// <param name="output">Where the narration is written.</param>
    /// <param name="keep">Keep the temporary folders afterwards (their path is printed).</param>
    /// <returns>The process exit code: 0.</returns>
    public static int Run(TextWriter output, bool keep = false)
    {
        ArgumentNullException.ThrowIfNull(output);
        const UnixFileMode Executable = (UnixFileMode)0b111_101_101; // 0755

        string home = Directory.CreateTempSubdirectory("overlay-walkthrough-").FullName;
        string baseDir = Path.Combine(home, "layers", "base");
        string appDir = Path.Combine(home, "layers", "app");
        string upperDir = Path.Combine(home, "container", "diff");
        string workDir = Path.Combine(home, "container", "work");

        // ---- The image: two read-only layers, as `docker build` would leave them, extracted to folders

        WriteFile(baseDir, "etc/os-release", "NAME=\"Alpine Linux\"\nVERSION_ID=3.20.0\n");
        WriteFile(baseDir, "etc/motd", "Welcome to Alpine!\n");
        WriteFile(baseDir, "bin/busybox", "(busybox binary)", Executable);
        File.CreateSymbolicLink(Path.Combine(baseDir, "bin/sh"), "busybox");
        WriteFile(baseDir, "app/config.json", "{ \"debug\": true }\n");
        WriteFile(baseDir, "app/data/seed.sql", "CREATE TABLE users (name TEXT);\n");
        WriteFile(baseDir, "app/data/users.csv", "name\nada\nlinus\n");
        WriteFile(baseDir, "app/data/legacy.csv", "old,format\n");

        WriteFile(appDir, "app/config.json", "{ \"debug\": false }\n");
        WriteFile(appDir, "app/server.py", "print('serving')\n");
        WriteFile(appDir, "app/data/products.csv", "sku,price\n1,9.99\n");

        // In an OCI layer a deletion is an empty file named .wh.<name> beside the deleted name.
        WriteFile(appDir, "app/data/.wh.legacy.csv", string.Empty);
        Directory.CreateDirectory(upperDir);

        // Each folder is a layer in the OCI whiteout form; the upper also needs its work directory.
        using var baseLayer = new HostDirectoryLayer(baseDir, new HostDirectoryLayerOptions { Name = "base" });
        using var appLayer = new HostDirectoryLayer(appDir, new HostDirectoryLayerOptions { Name = "app" });
        using var containerLayer = new HostDirectoryLayer(upperDir, new HostDirectoryLayerOptions { Name = "container", WorkDirectory = workDir });

        // Lowers are given topmost first, as the kernel's lowerdir= and `docker inspect` list them.
        var fs = new OverlayFileSystem([appLayer, baseLayer], containerLayer);

        // The engine reports every step it takes; the walkthrough prints what it reports.
        var trace = new List<OverlayEvent>();
        fs.Trace += (_, e) => trace.Add(e);

        output.WriteLine("Overlay walkthrough: how Docker stores a container, replayed on real folders");
        output.WriteLine($"  in {home}");
        Section("1. The layers");
        Say("""
            An image is a stack of read-only layers; a container adds one writable layer on top.
            Docker's overlay2 driver hands them to the kernel as lowerdir=app:base (topmost first),
            upperdir=<container>/diff, workdir=<container>/work, and mounts the merged view.
            Here the same stack lives in folders of a temporary directory. Each layer holds only
            what its step changed: "app" replaces /app/config.json, adds two files, and deletes
            /app/data/legacy.csv with a whiteout: the empty file .wh.legacy.csv, as OCI layers
            store it. These are the folders as they are on disk:
            """);
        output.WriteLine($"  lower \"app\"  = {appDir}");
        PrintDisk(appDir, 2);
        output.WriteLine($"  lower \"base\" = {baseDir}");
        PrintDisk(baseDir, 2);
        output.WriteLine($"  upper \"container\" = {upperDir}: (empty)");

        Section("2. The merged view");
        Say("""
            The container sees one tree. A lookup asks the upper first, then each lower from the
            top; the first layer that has the name answers. Directories present in several layers
            are merged; a whiteout hides the name, so legacy.csv is gone. The right-hand column is
            the layer that answered each lookup (from the overlay's Trace events).
            """);
        PrintMerged("/", 1);

        Section("3. Writing to a lower file: copy-up");
        Say("""
            Lowers are never written. Before /etc/motd can change, the overlay copies it into the
            upper: parents first, then the file with its data, mode and times. Each object is built
            in the work directory and renamed into the upper in one step, so nobody sees half a
            copy, and it is flushed to disk first, as the kernel does.
            """);
        trace.Clear();
        fs.File.AppendAllText("/etc/motd", "This container was started by the walkthrough.\n");
        PrintTrace();
        output.WriteLine("  merged /etc/motd now reads:");
        Indent(fs.File.ReadAllText("/etc/motd"));
        output.WriteLine("  while the base layer still holds:");
        Indent(File.ReadAllText(Path.Combine(baseDir, "etc/motd")));
        output.WriteLine($"  objects left in {Path.Combine(workDir, "work")}: {Directory.EnumerateFileSystemEntries(Path.Combine(workDir, "work")).Count()}");

        Section("4. Deleting a lower file: a whiteout");
        Say("""
            A lower cannot lose a file, so deleting /app/config.json writes a whiteout at that name
            in the upper. One whiteout hides the name in every layer below: app's copy and base's.
            """);
        trace.Clear();
        fs.File.Delete("/app/config.json");
        PrintTrace();
        output.WriteLine($"  on disk: {Path.Combine(upperDir, "app")} holds {string.Join(", ", Directory.EnumerateFileSystemEntries(Path.Combine(upperDir, "app")).Select(Path.GetFileName).Order(StringComparer.Ordinal))}");
        output.WriteLine($"  File.Exists(\"/app/config.json\"): {fs.File.Exists("/app/config.json")}");

        Section("5. rm -r of a lower directory, then mkdir: an opaque directory");
        Say("""
            Removing /app/data writes a whiteout for each child, then replaces the directory with
            one whiteout of its own. Making /app/data again must not bring the old files back, so the new directory is
            marked opaque: the lowers' /app/data directories no longer take part in the merge.
            """);
        trace.Clear();
        fs.Directory.Delete("/app/data", recursive: true);
        fs.Directory.CreateDirectory("/app/data");
        fs.File.WriteAllText("/app/data/fresh.csv", "new,start\n");
        PrintTrace();
        output.WriteLine("  merged /app/data now lists:");
        foreach (var path in fs.Directory.EnumerateFileSystemEntries("/app/data"))
        {
            output.WriteLine($"    {path}");
        }

        Section("6. Renaming a lower file");
        Say("""
            A rename happens in the upper only: the file is copied up, renamed there, and a whiteout
            takes its old name, because the lower still has the file under that name.
            """);
        trace.Clear();
        fs.File.Move("/app/server.py", "/app/main.py");
        PrintTrace();
        output.WriteLine($"  /app/main.py reads: {fs.File.ReadAllText("/app/main.py").Trim()}");
        output.WriteLine($"  File.Exists(\"/app/server.py\"): {fs.File.Exists("/app/server.py")}");
        output.WriteLine($"  the app layer still holds /app/server.py: {File.Exists(Path.Combine(appDir, "app/server.py"))}");

        Section("7. The container layer as it is on disk");
        Say("""
            This is all the container owns: copied-up and new objects, whiteouts (.wh.<name>),
            opaque markers (.wh..wh..opq). It is what `docker commit` would turn into a new image
            layer; the image layers below are untouched. The same folder read as a layer decodes
            the markers: a whiteout and an opaque directory.
            """);
        output.WriteLine($"  {upperDir}:");
        PrintDisk(upperDir, 2);
        output.WriteLine();
        output.WriteLine("  read as a layer:");
        PrintLayer(containerLayer, "/", 2);

        Section("8. The changes, as `docker diff` prints them");
        Say("""
            Changes() compares the upper with the lowers: A added, C changed, D deleted. A directory
            is C when something inside it changed; an opaque directory deletes the names it hides.
            """);
        foreach (var change in fs.Changes())
        {
            output.WriteLine($"  {change}");
        }

        Section("9. Starting over");
        Say("""
            A new container from the same image starts with an empty upper. ResetUpper() does that
            here: the merged view is the image's again.
            """);
        fs.ResetUpper();
        output.WriteLine($"  changes after ResetUpper(): {fs.Changes().Count}");
        output.WriteLine($"  /app/config.json is back: {fs.File.ReadAllText("/app/config.json").Trim()}");
        output.WriteLine($"  {upperDir} holds {Directory.EnumerateFileSystemEntries(upperDir).Count()} entries");

        if (keep)
        {
            output.WriteLine($"\nThe folders are kept in {home}");
        }
        else
        {
            containerLayer.Dispose();
            Directory.Delete(home, recursive: true);
        }

        return 0;

        // ---- Building the layers

        static void WriteFile(string layerDir, string path, string content, UnixFileMode? mode = null)
        {
            string full = Path.Combine(layerDir, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content);
            if (mode is { } m && !OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(full, m);
            }
        }

        // ---- Printing

        void Section(string title) => output.WriteLine($"\n== {title} ==\n");

        void Say(string text)
        {
            output.WriteLine(text);
            output.WriteLine();
        }

        void Indent(string text)
        {
            foreach (var line in text.TrimEnd('\n').Split('\n'))
            {
                output.WriteLine($"    | {line}");
            }
        }

        // Prints the Trace events of the last step; lookups are left out, the writes are the story here.
        void PrintTrace()
        {
            foreach (var e in trace.Where(e => e.Kind is not (OverlayEventKind.Lookup or OverlayEventKind.LookupStep or OverlayEventKind.LookupMerge or OverlayEventKind.LookupWhiteout)))
            {
                string detail = e.Kind switch
                {
                    OverlayEventKind.CopyUp => $"  (from {e.Layer})",
                    OverlayEventKind.Renamed => $"  (was {e.OldPath})",
                    _ => string.Empty,
                };
                output.WriteLine($"  trace: {e.Kind,-15} {e.Path}{detail}");
            }

            output.WriteLine();
        }

        // One layer exactly as it stores its entries, whiteouts and opaque markers included.
        void PrintLayer(ILayer layer, string directory, int depth)
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

        // A folder exactly as the disk holds it, with System.IO: the OCI markers are plain files here.
        void PrintDisk(string directory, int depth)
        {
            foreach (var info in new DirectoryInfo(directory).EnumerateFileSystemInfos().OrderBy(i => i.Name, StringComparer.Ordinal))
            {
                if (info.LinkTarget is { } target)
                {
                    Row(depth, info.Name + " -> " + target, "symlink");
                    continue;
                }

                string mode = OperatingSystem.IsWindows() ? string.Empty : Convert.ToString((int)File.GetUnixFileMode(info.FullName), 8).PadLeft(4, '0') + " ";
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
        void PrintMerged(string directory, int depth)
        {
            foreach (var path in fs.Directory.EnumerateFileSystemEntries(directory))
            {
                trace.Clear();
                var attributes = fs.File.GetAttributes(path);
                string layer = trace.First(e => e.Kind == OverlayEventKind.Lookup).Layer ?? "?";
                bool isLink = attributes.HasFlag(FileAttributes.ReparsePoint);
                bool isDirectory = attributes.HasFlag(FileAttributes.Directory) && !isLink;
                string name = fs.Path.GetFileName(path) + (isDirectory ? "/" : isLink ? " -> " + fs.FileInfo.New(path).LinkTarget : string.Empty);
                Row(depth, name, layer);
                if (isDirectory)
                {
                    PrintMerged(path, depth + 1);
                }
            }
        }

        void Row(int depth, string name, string note) =>
            output.WriteLine($"{new string(' ', depth * 2)}{name.PadRight(36 - (depth * 2))} {note}");
    }
}
