using System.Text.Json;

namespace Overlay.Images;

/// <summary>
/// The image records (imagedb): an image's id, config, diff_ids and tags. Not thread-safe:
/// <see cref="ImageStore"/> calls it under its lock.
/// </summary>
internal sealed class ImageRecords(StoreBackend backend)
{
    private const string Kind = ImageStore.ImageKind;

    public ImageRecord? Read(string id) =>
        backend.ReadRecord(Kind, id) is { } json ? JsonSerializer.Deserialize(json, StoreJsonContext.Default.ImageRecord) : null;

    public void Write(ImageRecord record) => backend.WriteRecord(Kind, record.Id, JsonSerializer.Serialize(record, StoreJsonContext.Default.ImageRecord));

    public void Delete(string id) => backend.DeleteRecord(Kind, id);

    public List<ImageRecord> All() => [.. backend.ListRecords(Kind).Select(id => Read(id)!)];

    /// <summary>Takes a tag from every image that has it.</summary>
    public void Untag(string tag)
    {
        foreach (var record in All())
        {
            if (record.Tags.Remove(tag))
            {
                Write(record);
            }
        }
    }

    /// <summary>An image by tag, full id or id prefix of at least 4 hex digits.</summary>
    /// <exception cref="KeyNotFoundException">No such image, or the prefix names several.</exception>
    public ImageRecord Find(string idOrTag)
    {
        ArgumentException.ThrowIfNullOrEmpty(idOrTag);
        var all = All();
        string hex = idOrTag.StartsWith("sha256:", StringComparison.Ordinal) ? idOrTag[7..] : idOrTag;
        var matches = all.Where(i => i.Tags.Contains(idOrTag)).ToList();
        if (matches.Count == 0 && hex.Length >= 4)
        {
            matches = [.. all.Where(i => i.Id[7..].StartsWith(hex, StringComparison.Ordinal))];
        }

        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new KeyNotFoundException($"No such image: '{idOrTag}'."),
            _ => throw new KeyNotFoundException($"'{idOrTag}' names {matches.Count} images: give more of the id."),
        };
    }

    public static string Describe(ImageRecord image) => image.Tags.Count > 0 ? $"'{image.Tags[0]}' ({image.Id})" : $"'{image.Id}'";
}
