using Overlay.Layers;

namespace Overlay.Tests.Reliability;

/// <summary>
/// An upper that fails one mutating call as its <see cref="FaultPlan"/> says and forwards every
/// call to the layer it wraps. Mutating calls are those that change the layer: create, delete,
/// rename, metadata, opaque and redirect marks, an open for writing, and the work area's stage,
/// publish and discard. Reads are never failed.
/// </summary>
/// <remarks>
/// A stage that is failed after its work discards what it staged before it throws: a layer whose
/// staging fails leaves nothing behind (the token never reaches the engine, which could not
/// discard it). An open for writing failed after its work closes the stream it opened.
/// </remarks>
/// <param name="inner">The layer that does the work.</param>
/// <param name="plan">Which call fails.</param>
public sealed class FaultingLayer(IWritableLayer inner, FaultPlan plan) : IWritableLayer, IConcurrentStaging, IDirectoryRedirects, IWhiteoutRename
{
    /// <summary>The wrapped layer.</summary>
    public IWritableLayer Inner { get; } = inner;

    /// <summary>The plan.</summary>
    public FaultPlan Plan { get; } = plan;

    /// <inheritdoc />
    public string Name => Inner.Name;

    /// <summary>
    /// The wrapped layer's capabilities, each through this layer so its calls are counted (the plan
    /// is thread-safe, so staging runs beside other calls when the wrapped layer's does); the
    /// one-step rename leaving a whiteout always, as one counted call.
    /// </summary>
    /// <typeparam name="TCapability">The capability.</typeparam>
    /// <returns>This layer, or null.</returns>
    public TCapability? GetCapability<TCapability>()
        where TCapability : class =>
        typeof(TCapability) == typeof(IWhiteoutRename) || Inner.GetCapability<TCapability>() is not null ? this as TCapability : null;

    // ---- Reads: forwarded

    /// <inheritdoc />
    public bool TryGetEntry(string path, out LayerEntry entry) => Inner.TryGetEntry(path, out entry);

    /// <inheritdoc />
    public IReadOnlyList<LayerEntry> ListDirectory(string path) => Inner.ListDirectory(path);

    /// <inheritdoc />
    public Stream OpenRead(string path) => Inner.OpenRead(path);

    // ---- Writes: each one a counted call

    /// <inheritdoc />
    public void CreateDirectory(string path, UnixFileMode mode) => Plan.Run($"CreateDirectory({path})", () => Inner.CreateDirectory(path, mode));

    /// <inheritdoc />
    public void CreateFile(string path, UnixFileMode mode) => Plan.Run($"CreateFile({path})", () => Inner.CreateFile(path, mode));

    /// <inheritdoc />
    public void CreateSymbolicLink(string path, string target) => Plan.Run($"CreateSymbolicLink({path})", () => Inner.CreateSymbolicLink(path, target));

    /// <inheritdoc />
    public Stream OpenFile(string path, FileAccess access) => access == FileAccess.Read
        ? Inner.OpenFile(path, access)
        : Plan.Run($"OpenFile({path}, {access})", () => Inner.OpenFile(path, access), stream => stream.Dispose());

    /// <inheritdoc />
    public void Delete(string path) => Plan.Run($"Delete({path})", () => Inner.Delete(path));

    /// <inheritdoc />
    public void Rename(string sourcePath, string destinationPath) =>
        Plan.Run($"Rename({sourcePath}, {destinationPath})", () => Inner.Rename(sourcePath, destinationPath));

    /// <inheritdoc />
    public void RenameLeavingWhiteout(string sourcePath, string destinationPath) =>
        Plan.Run($"RenameLeavingWhiteout({sourcePath}, {destinationPath})", () =>
        {
            if (Inner.GetCapability<IWhiteoutRename>() is { } oneStep)
            {
                oneStep.RenameLeavingWhiteout(sourcePath, destinationPath);
            }
            else
            {
                WritableLayers.RenameThenWhiteout(Inner, sourcePath, destinationPath);
            }
        });

    /// <inheritdoc />
    public void SetUnixFileMode(string path, UnixFileMode mode) => Plan.Run($"SetUnixFileMode({path})", () => Inner.SetUnixFileMode(path, mode));

    /// <inheritdoc />
    public void SetTimes(string path, DateTime? lastAccessTimeUtc, DateTime? lastWriteTimeUtc) =>
        Plan.Run($"SetTimes({path})", () => Inner.SetTimes(path, lastAccessTimeUtc, lastWriteTimeUtc));

    /// <inheritdoc />
    public void SetOpaque(string path, bool opaque) => Plan.Run($"SetOpaque({path}, {opaque})", () => Inner.SetOpaque(path, opaque));

    /// <inheritdoc />
    public void SetRedirect(string path, string? redirect) => Plan.Run($"SetRedirect({path})", () => Inner.GetCapability<IDirectoryRedirects>()!.SetRedirect(path, redirect));

    /// <inheritdoc />
    public string StageFile(Stream? content, LayerMetadata metadata) => Plan.Run("StageFile", () => Inner.StageFile(content, metadata), Inner.Discard);

    /// <inheritdoc />
    public string StageDirectory(LayerMetadata metadata, bool opaque) => Plan.Run("StageDirectory", () => Inner.StageDirectory(metadata, opaque), Inner.Discard);

    /// <inheritdoc />
    public string StageSymbolicLink(string target, LayerMetadata metadata) => Plan.Run("StageSymbolicLink", () => Inner.StageSymbolicLink(target, metadata), Inner.Discard);

    /// <inheritdoc />
    public string StageWhiteout() => Plan.Run("StageWhiteout", Inner.StageWhiteout, Inner.Discard);

    /// <inheritdoc />
    public void Publish(string token, string path, bool keepParentTimes) =>
        Plan.Run($"Publish({path})", () => Inner.Publish(token, path, keepParentTimes));

    /// <inheritdoc />
    public void Discard(string token) => Plan.Run("Discard", () => Inner.Discard(token));
}
