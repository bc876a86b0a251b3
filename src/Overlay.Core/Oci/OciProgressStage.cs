namespace Overlay.Oci;

/// <summary>The stages an OCI operation reports through <see cref="OciProgress"/>.</summary>
public enum OciProgressStage
{
    /// <summary>Checking a blob's digest.</summary>
    Verifying,

    /// <summary>Decompressing a gzip or zstd layer into its seekable cache.</summary>
    Decompressing,

    /// <summary>Reading a layer tar's headers into its index.</summary>
    Indexing,

    /// <summary>Writing a layer's entries into a directory.</summary>
    Extracting,

    /// <summary>An item is finished.</summary>
    Completed,

    /// <summary>Writing a layer tar: reported after every member (<see cref="OciProgress.Entry"/> is its path).</summary>
    Exporting,

    /// <summary>Writing a file of an image: a layer blob, a config, a manifest or an index.</summary>
    Writing,
}
