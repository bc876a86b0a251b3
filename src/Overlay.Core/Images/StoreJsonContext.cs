using System.Text.Json.Serialization;

namespace Overlay.Images;

/// <summary>
/// The JSON of the store's records, generated at build time: no reflection, so the store works in
/// trimmed and NativeAOT apps. Indented, member names as declared, enums as numbers (the files
/// earlier versions wrote read the same).
/// </summary>
[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(LayerRecord))]
[JsonSerializable(typeof(ImageRecord))]
[JsonSerializable(typeof(ContainerRecord))]
[JsonSerializable(typeof(StoreSettings))]
internal sealed partial class StoreJsonContext : JsonSerializerContext;
