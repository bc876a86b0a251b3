using System.Globalization;
using Overlay.Layers.Host;

namespace Overlay.Layers;

/// <content>
/// Intent records: where one operation must take two steps on the storage and one rename cannot do
/// both, a record written in the work area before the first step says how to finish or undo it,
/// and the next open of the work directory does so before it empties the work area, as the
/// kernel's workdir and index recovery does at mount. A record is one symbolic link (its target is
/// the record): created by one system call, so it is either whole or absent; it is removed once the
/// operation is done. Only the real disk keeps them: another storage cannot be killed half-way
/// through an operation and opened again.
/// </content>
public partial class FileSystemLayer
{
    private const string IntentPrefix = "intent.";

    /// <summary>Writes an intent record; its name orders it after the records written before it.</summary>
    /// <param name="kind">R (put a trashed object back), W (whiteout a free name) or T (parent times).</param>
    /// <param name="fields">The record's fields, the layer path last (it may hold spaces).</param>
    /// <returns>The record's storage path, for <see cref="EndIntent"/>; null where the storage keeps none.</returns>
    private protected string? BeginIntent(char kind, params string[] fields)
    {
        if (!StorageIsPosix)
        {
            return null;
        }

        string host = WorkArea + Separator + IntentPrefix + Interlocked.Increment(ref _nextToken).ToString("x16", CultureInfo.InvariantCulture) + "." + kind;
        CreateLink(host, kind + " " + string.Join(' ', fields));
        return host;
    }

    /// <summary>Removes an intent record: its operation is complete.</summary>
    private protected void EndIntent(string? record)
    {
        if (record is not null)
        {
            DeleteNonDirectory(record);
        }
    }

    /// <summary>
    /// Finishes or undoes what the records left in the work area describe, in the order they were
    /// written (then puts back first, whiteouts next, times last).
    /// </summary>
    private void RecoverIntents()
    {
        if (!StorageIsPosix || Stat(WorkArea).Kind != HostEntryKind.Directory)
        {
            return;
        }

        var records = ListNames(WorkArea)
            .Where(name => name.StartsWith(IntentPrefix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(name => (Name: name, Record: ReadLink(WorkArea + Separator + name)))
            .ToList();
        foreach (char kind in "RWT")
        {
            foreach (var (_, record) in records.Where(r => r.Record.Length > 2 && r.Record[0] == kind))
            {
                Recover(kind, record[2..]);
            }
        }

        foreach (var (name, _) in records)
        {
            DeleteNonDirectory(WorkArea + Separator + name);
        }
    }

    private void Recover(char kind, string record)
    {
        switch (kind)
        {
            case 'R':
            {
                // An object moved aside to be replaced: when nothing took its name, the operation
                // had not happened — it goes back; otherwise it is deleted with the work area.
                string[] f = record.Split(' ', 2);
                string trash = WorkArea + Separator + f[0];
                string host = HostPath(f[1]);
                if (Stat(trash).Exists && !Stat(host).Exists)
                {
                    MoveNoReplace(trash, host);
                }

                break;
            }

            case 'W':
            {
                // A name that must show the whiteout once its object has moved away: when the
                // object is gone the move happened, and the whiteout it needs is made now.
                string path = record;
                string host = HostPath(path);
                if (!Stat(host).Exists && (!IsOci || !Stat(WhiteoutHostPath(path)).Exists))
                {
                    NewToken(out string staged);
                    BuildWhiteout(staged);
                    MoveNoReplace(staged, IsOci ? WhiteoutHostPath(path) : host);
                }

                break;
            }

            case 'T':
            {
                // A directory's times as they were before an object was published into it: right
                // whether the publish happened (it must not show as a change) or not.
                string[] f = record.Split(' ', 3);
                string host = HostPath(f[2]);
                if (Stat(host).Kind == HostEntryKind.Directory)
                {
                    var atime = new DateTime(long.Parse(f[0], CultureInfo.InvariantCulture), DateTimeKind.Utc);
                    var mtime = new DateTime(long.Parse(f[1], CultureInfo.InvariantCulture), DateTimeKind.Utc);
                    SetHostTimes(host, HostEntryKind.Directory, atime, mtime);
                }

                break;
            }
        }
    }

    private static string Ticks(DateTime time) => time.Ticks.ToString(CultureInfo.InvariantCulture);

    /// <summary>The layer path of a storage path inside the root.</summary>
    private string LayerPathOf(string hostPath) =>
        hostPath.Length == Root.Length ? "/" : _separator == '/' ? hostPath[_rootPrefix.Length..] : hostPath[_rootPrefix.Length..].Replace(_separator, '/');

    /// <summary>The intent for a publish that keeps its parent's times (T), or null.</summary>
    private string? BeginParentTimesIntent(string parentPath, in HostEntry before) =>
        before.Exists ? BeginIntent('T', Ticks(before.LastAccessTimeUtc), Ticks(before.LastWriteTimeUtc), parentPath) : null;
}
