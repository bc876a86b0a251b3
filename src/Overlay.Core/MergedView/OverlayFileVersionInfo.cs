using System.Diagnostics;
using System.IO.Abstractions;

namespace Overlay.MergedView;

/// <summary>
/// A <see cref="FileVersionInfo"/> read from a file of the merged view, named by its merged path
/// (not by the host file or temporary copy it was read from).
/// </summary>
internal sealed class OverlayFileVersionInfo(OverlayFileSystem fileSystem, FileVersionInfo info, string fileName) : IFileVersionInfo
{
    public IFileSystem FileSystem => fileSystem;

    public string FileName => fileName;

    public string? Comments => info.Comments;

    public string? CompanyName => info.CompanyName;

    public int FileBuildPart => info.FileBuildPart;

    public string? FileDescription => info.FileDescription;

    public int FileMajorPart => info.FileMajorPart;

    public int FileMinorPart => info.FileMinorPart;

    public int FilePrivatePart => info.FilePrivatePart;

    public string? FileVersion => info.FileVersion;

    public string? InternalName => info.InternalName;

    public bool IsDebug => info.IsDebug;

    public bool IsPatched => info.IsPatched;

    public bool IsPreRelease => info.IsPreRelease;

    public bool IsPrivateBuild => info.IsPrivateBuild;

    public bool IsSpecialBuild => info.IsSpecialBuild;

    public string? Language => info.Language;

    public string? LegalCopyright => info.LegalCopyright;

    public string? LegalTrademarks => info.LegalTrademarks;

    public string? OriginalFilename => info.OriginalFilename;

    public string? PrivateBuild => info.PrivateBuild;

    public int ProductBuildPart => info.ProductBuildPart;

    public int ProductMajorPart => info.ProductMajorPart;

    public int ProductMinorPart => info.ProductMinorPart;

    public string? ProductName => info.ProductName;

    public int ProductPrivatePart => info.ProductPrivatePart;

    public string? ProductVersion => info.ProductVersion;

    public string? SpecialBuild => info.SpecialBuild;

    public override string ToString() => info.ToString().Replace(info.FileName, fileName, StringComparison.Ordinal);
}
