using System.Collections;
using System.IO.Abstractions;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Versioning;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Win32.SafeHandles;
using Overlay.Layers;

namespace Overlay.Tests.Infrastructure;

/// <summary>
/// Calls every public member of the facade's types (the factories, File, Directory, Path, FileInfo,
/// DirectoryInfo, streams, the watcher, the drive, FileVersionInfo, RandomAccess) by reflection,
/// with plausible arguments, on an in-memory and on a host-directory overlay. No member may throw
/// <see cref="NotImplementedException"/>, and exactly the members the table "Members that throw
/// NotSupportedException" in docs/differences-from-kernel.md lists throw
/// <see cref="NotSupportedException"/> or <see cref="PlatformNotSupportedException"/>: a member
/// that starts throwing it fails this test until the table says why.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed partial class FacadeReflectionTests : IDisposable
{
    private const string Always = "always";
    private const string InMemory = "in-memory layers";

    private readonly string _scratch = Directory.CreateTempSubdirectory("overlay-reflection-").FullName;
    private int _fresh;

    [Fact]
    public void EveryMember_OnAnInMemoryOverlay_ThrowsNotSupportedOnlyWhereDocumented()
    {
        var overlay = new OverlayFileSystem(new MemoryLayer("upper"), new MemoryLayer("lower").AddFile("/lower.txt", "lower"));

        Check(overlay, Documented(Always, InMemory));
    }

    [Fact]
    public void EveryMember_OnAHostDirectoryOverlay_ThrowsNotSupportedOnlyWhereDocumented()
    {
        string lowerRoot = Path.Combine(_scratch, "lower");
        Directory.CreateDirectory(lowerRoot);
        File.WriteAllText(Path.Combine(lowerRoot, "lower.txt"), "lower");
        using var lower = new HostDirectoryLayer(lowerRoot);
        using var upper = new HostDirectoryLayer(
            Directory.CreateDirectory(Path.Combine(_scratch, "upper")).FullName,
            new HostDirectoryLayerOptions { WorkDirectory = Path.Combine(_scratch, "work"), Durable = false });
        var overlay = new OverlayFileSystem(upper, lower);

        Check(overlay, Documented(Always));
    }

    [Fact]
    public void TheDocumentedList_NamesOnlyMembersOfTheFacade()
    {
        var known = Targets(new OverlayFileSystem(new MemoryLayer("upper"), new MemoryLayer("lower")))
            .SelectMany(target => Members(target.Type).Select(member => Key(target.Name, member)))
            .ToHashSet();

        Documented(Always, InMemory).Should().NotBeEmpty().And.BeSubsetOf(known);
    }

    private void Check(OverlayFileSystem overlay, IReadOnlySet<string> allowed)
    {
        var notSupported = new SortedSet<string>(StringComparer.Ordinal);
        var notImplemented = new List<string>();
        int called = 0;
        var failed = new List<string>();
        foreach (var target in Targets(overlay))
        {
            foreach (var member in Members(target.Type))
            {
                Reset(overlay);
                var error = Call(overlay, target, member);
                called++;
                string key = Key(target.Name, member);
                if (error is not null)
                {
                    failed.Add($"{key}: {error.GetType().Name}: {error.Message}");
                }

                if (error is NotImplementedException)
                {
                    notImplemented.Add($"{key}: {error.Message}");
                }
                else if (error is NotSupportedException or PlatformNotSupportedException)
                {
                    notSupported.Add(key);
                }
            }
        }

        called.Should().BeGreaterThan(400, "every member of the facade is called");
        failed.Count.Should().BeLessThan(called / 10, "the arguments are plausible, so nearly every call succeeds: {0}", string.Join("; ", failed));
        notImplemented.Should().BeEmpty();
        notSupported.Should().BeEquivalentTo(allowed, "docs/differences-from-kernel.md lists the members that throw NotSupportedException");
    }

    /// <summary>The facade's objects, each built fresh for every call (a call may dispose or change it).</summary>
    private static IEnumerable<(string Name, Type Type, Func<object> Create)> Targets(OverlayFileSystem fs) =>
    [
        ("IFileSystem", typeof(IFileSystem), () => fs),
        ("IFile", typeof(IFile), () => fs.File),
        ("IDirectory", typeof(IDirectory), () => fs.Directory),
        ("IPath", typeof(IPath), () => fs.Path),
        ("IFileInfoFactory", typeof(IFileInfoFactory), () => fs.FileInfo),
        ("IDirectoryInfoFactory", typeof(IDirectoryInfoFactory), () => fs.DirectoryInfo),
        ("IFileStreamFactory", typeof(IFileStreamFactory), () => fs.FileStream),
        ("IFileSystemWatcherFactory", typeof(IFileSystemWatcherFactory), () => fs.FileSystemWatcher),
        ("IDriveInfoFactory", typeof(IDriveInfoFactory), () => fs.DriveInfo),
        ("IFileVersionInfoFactory", typeof(IFileVersionInfoFactory), () => fs.FileVersionInfo),
        ("IRandomAccess", typeof(IRandomAccess), () => fs.RandomAccess),
        ("IFileInfo", typeof(IFileInfo), () => fs.FileInfo.New("/f")),
        ("IDirectoryInfo", typeof(IDirectoryInfo), () => fs.DirectoryInfo.New("/d")),
        ("FileSystemStream", typeof(FileSystemStream), () => fs.FileStream.New("/f", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite)),
        ("IFileSystemWatcher", typeof(IFileSystemWatcher), () => fs.FileSystemWatcher.New("/d")),
        ("IDriveInfo", typeof(IDriveInfo), () => fs.DriveInfo.New("/")),
        ("IFileVersionInfo", typeof(IFileVersionInfo), () => fs.FileVersionInfo.GetVersionInfo("/f")),
    ];

    /// <summary>
    /// The public instance methods and accessors of a type and the interfaces it extends. Left out:
    /// what object and MarshalByRefObject declare (not the facade's), event accessors, and members
    /// with a by-ref-like or by-ref parameter (spans), which reflection cannot pass; those share their
    /// implementation with an array or string overload that is called.
    /// </summary>
    private static IEnumerable<MethodInfo> Members(Type type)
    {
        var methods = type.IsInterface
            ? type.GetInterfaces().Append(type).SelectMany(i => i.GetMethods())
            : type.GetMethods(BindingFlags.Public | BindingFlags.Instance)
                .Where(m => m.DeclaringType != typeof(object) && m.DeclaringType != typeof(MarshalByRefObject));
        return methods
            .Where(m => !m.Name.StartsWith("add_", StringComparison.Ordinal) && !m.Name.StartsWith("remove_", StringComparison.Ordinal))
            .Where(m => !m.IsGenericMethodDefinition)
            .Where(m => m.GetParameters().All(p => !p.ParameterType.IsByRef && !p.ParameterType.IsByRefLike))
            .Where(m => !m.ReturnType.IsByRefLike);
    }

    private static string Key(string target, MethodInfo method) => method.IsSpecialName && method.Name.Length > 4 && method.Name[3] == '_'
        ? $"{target}.{method.Name[4..]}.{method.Name[..3]}"
        : $"{target}.{method.Name}";

    /// <summary>The members docs/differences-from-kernel.md lists, in the given "where" columns.</summary>
    private static IReadOnlySet<string> Documented(params string[] where)
    {
        string doc = File.ReadAllText(Path.Combine(TestRepository.RootDirectory, "docs", "differences-from-kernel.md"));
        return DocumentedRow().Matches(doc)
            .Where(m => where.Contains(m.Groups["where"].Value))
            .Select(m => m.Groups["member"].Value)
            .ToHashSet(StringComparer.Ordinal);
    }

    [GeneratedRegex(@"^\| `(?<member>\w+\.[\w.]+)` \| (?<where>always|in-memory layers) \|", RegexOptions.Multiline)]
    private static partial Regex DocumentedRow();

    /// <summary>Every call starts from the same tree: a file /f, a directory /d holding a file.</summary>
    private static void Reset(OverlayFileSystem fs)
    {
        fs.Directory.SetCurrentDirectory("/");
        if (fs.Directory.Exists("/f"))
        {
            fs.Directory.Delete("/f", recursive: true);
        }

        if (fs.File.Exists("/f"))
        {
            fs.File.SetAttributes("/f", FileAttributes.Normal);
        }

        fs.File.WriteAllText("/f", "content");
        fs.Directory.CreateDirectory("/d");
        fs.File.WriteAllText("/d/g", "g");
    }

    /// <summary>Calls a member and waits for what it returns (tasks, enumerations); the exception it threw, or null.</summary>
    private Exception? Call(OverlayFileSystem fs, (string Name, Type Type, Func<object> Create) target, MethodInfo method)
    {
        var disposables = new List<IDisposable>();
        try
        {
            object instance = target.Create();
            if (instance is FileSystemStream or IFileSystemWatcher)
            {
                disposables.Add((IDisposable)instance);
            }

            var arguments = method.GetParameters().Select(p => Argument(fs, target.Name, method, p, disposables)).ToArray();
            if (method.Name == "WaitForChanged" && arguments.Length == 1)
            {
                // Without a timeout it waits for a change: one comes a moment later.
                _ = Task.Delay(100).ContinueWith(_ => fs.File.WriteAllText("/d/wake", "x"), TaskScheduler.Default);
            }

            object? result = method.Invoke(instance, arguments);
            Drain(result, disposables);
            return null;
        }
        catch (Exception e)
        {
            return Unwrap(e);
        }
        finally
        {
            foreach (var disposable in disposables)
            {
                try
                {
                    disposable.Dispose();
                }
                catch (Exception e) when (e is IOException or ObjectDisposedException)
                {
                    // A stream whose file the call removed; only the call's own exception counts.
                }
            }
        }
    }

    private static Exception Unwrap(Exception e)
    {
        while (e is TargetInvocationException { InnerException: { } inner })
        {
            e = inner;
        }

        return e is AggregateException { InnerExceptions.Count: 1 } aggregate ? Unwrap(aggregate.InnerExceptions[0]) : e;
    }

    private static void Drain(object? result, List<IDisposable> disposables)
    {
        switch (result)
        {
            case null or string:
                return;
            case Task task:
                if (!task.Wait(TimeSpan.FromSeconds(30)))
                {
                    throw new TimeoutException("The task did not complete.");
                }

                task.GetAwaiter().GetResult();
                var value = task.GetType().IsGenericType ? task.GetType().GetProperty("Result")!.GetValue(task) : null;
                Drain(value, disposables);
                return;
            case ValueTask valueTask:
                valueTask.AsTask().GetAwaiter().GetResult();
                return;
            case IDisposable disposable:
                disposables.Add(disposable);
                return;
            case IEnumerable enumerable:
                foreach (var item in enumerable)
                {
                    _ = item;
                }

                return;
        }

        var type = result.GetType();
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ValueTask<>))
        {
            var task = (Task)type.GetMethod("AsTask")!.Invoke(result, null)!;
            task.GetAwaiter().GetResult();
            return;
        }

        if (type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IAsyncEnumerable<>)) is { } asyncEnumerable)
        {
            object enumerator = asyncEnumerable.GetMethod("GetAsyncEnumerator")!.Invoke(result, [CancellationToken.None])!;
            var moveNext = enumerator.GetType().GetInterfaces()
                .First(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IAsyncEnumerator<>))
                .GetMethod("MoveNextAsync")!;
            while (((ValueTask<bool>)moveNext.Invoke(enumerator, null)!).AsTask().GetAwaiter().GetResult())
            {
            }

            ((IAsyncDisposable)enumerator).DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private string Fresh() => "/n" + Interlocked.Increment(ref _fresh);

    /// <summary>A plausible argument, by type and name: existing paths where a member reads, free names where it creates.</summary>
    private object? Argument(OverlayFileSystem fs, string target, MethodInfo method, ParameterInfo parameter, List<IDisposable> disposables)
    {
        string name = parameter.Name ?? string.Empty;
        var type = parameter.ParameterType;
        if (type == typeof(string))
        {
            return StringArgument(target, method.Name, name);
        }

        if (type == typeof(string[]))
        {
            return new[] { "a", "b" };
        }

        if (type == typeof(IEnumerable<string>))
        {
            return new List<string> { "line" };
        }

        if (type == typeof(Encoding))
        {
            return Encoding.UTF8;
        }

        if (type == typeof(byte[]))
        {
            return new byte[] { 1, 2, 3, 4 };
        }

        if (type == typeof(char[]))
        {
            return new[] { 'a', 'b' };
        }

        if (type == typeof(int))
        {
            return name switch
            {
                "bufferSize" => 4096,
                "timeout" => 1,
                "offset" or "index" => 0,
                _ => 1,
            };
        }

        if (type == typeof(long))
        {
            return name is "length" or "value" ? 2L : 0L;
        }

        if (type == typeof(bool))
        {
            return false;
        }

        if (type == typeof(byte))
        {
            return (byte)65;
        }

        if (type == typeof(DateTime))
        {
            return new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        }

        if (type == typeof(TimeSpan))
        {
            return TimeSpan.FromMilliseconds(1);
        }

        if (type == typeof(FileMode))
        {
            return FileMode.OpenOrCreate;
        }

        if (type == typeof(FileAccess))
        {
            return FileAccess.ReadWrite;
        }

        if (type == typeof(FileShare))
        {
            return FileShare.ReadWrite;
        }

        if (type == typeof(FileOptions))
        {
            return FileOptions.None;
        }

        if (type == typeof(FileAttributes))
        {
            return FileAttributes.Normal;
        }

        if (type == typeof(UnixFileMode))
        {
            return (UnixFileMode)0b110_100_100;
        }

        if (type == typeof(SearchOption))
        {
            return SearchOption.TopDirectoryOnly;
        }

        if (type == typeof(EnumerationOptions))
        {
            return new EnumerationOptions();
        }

        if (type == typeof(SeekOrigin))
        {
            return SeekOrigin.Begin;
        }

        if (type == typeof(WatcherChangeTypes))
        {
            return WatcherChangeTypes.All;
        }

        if (type == typeof(NotifyFilters))
        {
            return NotifyFilters.FileName;
        }

        if (type == typeof(CancellationToken))
        {
            return CancellationToken.None;
        }

        if (type == typeof(FileStreamOptions))
        {
            return new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.ReadWrite };
        }

        if (type == typeof(Memory<byte>))
        {
            return new Memory<byte>(new byte[4]);
        }

        if (type == typeof(ReadOnlyMemory<byte>))
        {
            return new ReadOnlyMemory<byte>([1, 2]);
        }

        if (type == typeof(ReadOnlyMemory<char>))
        {
            return "text".AsMemory();
        }

        if (type == typeof(IReadOnlyList<Memory<byte>>))
        {
            return new List<Memory<byte>> { new byte[2] };
        }

        if (type == typeof(IReadOnlyList<ReadOnlyMemory<byte>>))
        {
            return new List<ReadOnlyMemory<byte>> { new byte[] { 1 } };
        }

        if (type == typeof(SafeFileHandle))
        {
            return Own(Handle(fs), disposables);
        }

        if (type == typeof(Stream))
        {
            return Own(new MemoryStream(), disposables);
        }

        if (type == typeof(AsyncCallback) || type == typeof(object) || type == typeof(IAsyncResult)
            || type == typeof(System.ComponentModel.ISynchronizeInvoke) || type == typeof(System.ComponentModel.ISite))
        {
            // Callbacks, states, sites: null, as a caller that has none passes.
            return null;
        }

        return HostObject(type, disposables)
            ?? throw new InvalidOperationException($"No argument of type {type} for {target}.{method.Name}({name}).");
    }

    private string StringArgument(string target, string method, string name)
    {
        bool directory = target is "IDirectory" or "IDirectoryInfo" or "IDirectoryInfoFactory" or "IFileSystemWatcherFactory";
        return name switch
        {
            "destinationFileName" when method == "Replace" => "/d/g",
            "destFileName" or "destDirName" or "destinationFileName" or "destinationDirectoryName" or "destinationBackupFileName" or "destinationBackupFilePath" => Fresh(),
            "pathToTarget" => directory ? "/d" : "/f",
            "searchPattern" or "filter" => "*",
            "contents" => "text",
            "prefix" => "p",
            "driveName" => "/",
            "extension" => ".txt",
            "relativeTo" or "basePath" => "/",
            "path" when method is "CreateSymbolicLink" => Fresh(),
            "value" when target == "IFileSystemWatcher" => "/d",
            "path" when target == "IDirectoryInfo" => "sub",
            "path" when target == "IPath" => "/d/file.txt",
            "path1" or "path2" or "path3" or "path4" => "a",
            _ when target == "IFileVersionInfoFactory" => "/f",
            _ => directory ? "/d" : "/f",
        };
    }

    /// <summary>A real handle: the overlay's own where it has them, else one of a host file (the handle-taking members work on any).</summary>
    private SafeFileHandle Handle(OverlayFileSystem fs)
    {
        if (fs.Upper is HostDirectoryLayer)
        {
            return fs.File.OpenHandle("/f", FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        }

        string real = Path.Combine(_scratch, "handle.bin");
        File.WriteAllText(real, "content");
        return File.OpenHandle(real, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
    }

    /// <summary>System.IO objects of the host, for the Wrap members.</summary>
    private object? HostObject(Type type, List<IDisposable> disposables)
    {
        string real = Path.Combine(_scratch, "wrapped.txt");
        File.WriteAllText(real, "x");
        if (type == typeof(FileInfo))
        {
            return new FileInfo(real);
        }

        if (type == typeof(DirectoryInfo))
        {
            return new DirectoryInfo(_scratch);
        }

        if (type == typeof(FileStream))
        {
            return Own(new FileStream(real, FileMode.Open, FileAccess.Read, FileShare.ReadWrite), disposables);
        }

        if (type == typeof(FileSystemWatcher))
        {
            return Own(new FileSystemWatcher(_scratch), disposables);
        }

        if (type == typeof(DriveInfo))
        {
            return new DriveInfo("/");
        }

        return null;
    }

    private static T Own<T>(T disposable, List<IDisposable> disposables)
        where T : IDisposable
    {
        disposables.Add(disposable);
        return disposable;
    }

    /// <inheritdoc />
    public void Dispose() => Directory.Delete(_scratch, recursive: true);
}
