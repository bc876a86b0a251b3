namespace Overlay.Images;

/// <summary>Settings of a new <see cref="Container"/>.</summary>
public sealed record ContainerOptions
{
    /// <summary>The container's name; its short id when omitted.</summary>
    public string? Name { get; init; }

    /// <summary>The hostname written to the container's <c>/etc/hostname</c>; the first 12 digits of its id when omitted, as Docker does.</summary>
    public string? Hostname { get; init; }

    /// <summary>The content of the container's <c>/etc/hosts</c>; the loopback entries Docker writes for <c>--network none</c> when omitted.</summary>
    public string? Hosts { get; init; }

    /// <summary>The content of the container's <c>/etc/resolv.conf</c>; empty when omitted.</summary>
    public string? ResolvConf { get; init; }
}
