namespace Overlay.Layers;

/// <summary>What an OCI-form name means (<see cref="OciWhiteout.Decode"/>).</summary>
internal enum OciName
{
    /// <summary>An ordinary name: an object of the layer.</summary>
    Plain,

    /// <summary><c>.wh.name</c>: a whiteout of <c>name</c> (which may be empty, "." or "..": the caller refuses those).</summary>
    Whiteout,

    /// <summary><c>.wh..wh..opq</c>: its directory is opaque.</summary>
    OpaqueMarker,

    /// <summary>Another <c>.wh..wh.</c> name: aufs metadata (<c>.wh..wh.plnk</c>, <c>.wh..wh.aufs</c>), not part of the tree.</summary>
    Meta,
}

/// <summary>
/// The OCI image layer's whiteout form, coded once: a whiteout of <c>name</c> is an empty file
/// <c>.wh.name</c> beside it, an opaque directory holds an empty file <c>.wh..wh..opq</c>, and
/// every name starting with <c>.wh.</c> is reserved. Host-directory layers, tar layers (their
/// index and extraction) and the layer tar export all read and write the form through here.
/// </summary>
internal static class OciWhiteout
{
    /// <summary>The prefix of a whiteout's name; no object of an OCI-form layer has a name starting with it.</summary>
    public const string Prefix = ".wh.";

    /// <summary>The marker file of an opaque directory.</summary>
    public const string OpaqueMarker = ".wh..wh..opq";

    /// <summary>The prefix of the form's own meta names (the opaque marker, aufs' links).</summary>
    public const string MetaPrefix = ".wh..wh.";

    /// <summary>Whether a name is reserved by the form (it starts with <c>.wh.</c>).</summary>
    public static bool IsReserved(ReadOnlySpan<char> name) => name.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>The name of the whiteout file that hides <paramref name="name"/>.</summary>
    public static string NameFor(string name) => Prefix + name;

    /// <summary>What a name of an OCI-form directory means.</summary>
    /// <param name="name">The name, one component.</param>
    /// <param name="hidden">For a <see cref="OciName.Whiteout"/>, the name it hides; otherwise null.</param>
    /// <returns>Its meaning.</returns>
    public static OciName Decode(string name, out string? hidden)
    {
        hidden = null;
        if (!IsReserved(name))
        {
            return OciName.Plain;
        }

        if (name == OpaqueMarker)
        {
            return OciName.OpaqueMarker;
        }

        if (name.StartsWith(MetaPrefix, StringComparison.Ordinal))
        {
            return OciName.Meta;
        }

        hidden = name[Prefix.Length..];
        return OciName.Whiteout;
    }
}
