using System.Text;
using System.Text.Json;

namespace Overlay.Images;

/// <summary>
/// A container's directories as <c>docker inspect</c> prints them under <c>GraphDriver.Data</c>
/// for the overlay2 driver.
/// </summary>
/// <param name="LowerDir">The lower diff directories joined by ':', the init layer first, then the image's layers topmost first.</param>
/// <param name="MergedDir">Where the merged view is mounted: <c>&lt;root&gt;/overlay2/&lt;mount-id&gt;/merged</c>.</param>
/// <param name="UpperDir">The container's own layer: <c>&lt;root&gt;/overlay2/&lt;mount-id&gt;/diff</c>.</param>
/// <param name="WorkDir">Its work directory: <c>&lt;root&gt;/overlay2/&lt;mount-id&gt;/work</c>.</param>
public sealed record GraphDriverData(string LowerDir, string MergedDir, string UpperDir, string WorkDir)
{
    /// <summary>The driver's name, as <c>docker inspect</c> prints it.</summary>
    public string Name => "overlay2";

    /// <summary>The lower directories, one per layer, in <see cref="LowerDir"/>'s order.</summary>
    public IReadOnlyList<string> LowerDirs => LowerDir.Split(':');

    /// <summary>
    /// The <c>GraphDriver</c> object as <c>docker inspect</c> prints it: <c>Data</c> with the four
    /// directories in alphabetical order, then <c>Name</c>, indented by four spaces.
    /// </summary>
    /// <returns>The JSON text.</returns>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, IndentSize = 4 }))
        {
            json.WriteStartObject();
            json.WriteStartObject("Data");
            json.WriteString("LowerDir", LowerDir);
            json.WriteString("MergedDir", MergedDir);
            json.WriteString("UpperDir", UpperDir);
            json.WriteString("WorkDir", WorkDir);
            json.WriteEndObject();
            json.WriteString("Name", Name);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
