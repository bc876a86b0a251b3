using System.Text.Json;

namespace Overlay.Images;

/// <summary>
/// The container records: a container's name, image, mount id and hostname. Not thread-safe:
/// <see cref="ImageStore"/> calls it under its lock.
/// </summary>
internal sealed class ContainerRecords(StoreBackend backend)
{
    private const string Kind = ImageStore.ContainerKind;

    public IEnumerable<ContainerRecord> All() =>
        backend.ListRecords(Kind).Select(id => JsonSerializer.Deserialize(backend.ReadRecord(Kind, id)!, StoreJsonContext.Default.ContainerRecord)!);

    public void Write(ContainerRecord record) => backend.WriteRecord(Kind, record.Id, JsonSerializer.Serialize(record, StoreJsonContext.Default.ContainerRecord));

    public void Delete(string id) => backend.DeleteRecord(Kind, id);

    /// <summary>A container by name, full id or id prefix of at least 4 characters.</summary>
    /// <exception cref="KeyNotFoundException">No such container, or the prefix names several.</exception>
    public ContainerRecord Find(string idOrName)
    {
        ArgumentException.ThrowIfNullOrEmpty(idOrName);
        var all = All().ToList();
        var matches = all.Where(c => c.Name == idOrName).ToList();
        if (matches.Count == 0 && idOrName.Length >= 4)
        {
            matches = [.. all.Where(c => c.Id.StartsWith(idOrName, StringComparison.Ordinal))];
        }

        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new KeyNotFoundException($"No such container: '{idOrName}'."),
            _ => throw new KeyNotFoundException($"'{idOrName}' names {matches.Count} containers: give more of the id."),
        };
    }
}
