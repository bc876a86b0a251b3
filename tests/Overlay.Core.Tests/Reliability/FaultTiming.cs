namespace Overlay.Tests.Reliability;

/// <summary>When an injected fault strikes, relative to the call it fails.</summary>
public enum FaultTiming
{
    /// <summary>The call throws without doing anything (the storage refused it).</summary>
    Before,

    /// <summary>
    /// The call does its work, then throws (the storage did it but reported a failure, as a
    /// failed <c>fsync</c> or <c>close</c> after a rename can).
    /// </summary>
    After,
}
