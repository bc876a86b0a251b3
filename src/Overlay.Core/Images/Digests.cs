using System.Security.Cryptography;
using System.Text;

namespace Overlay.Images;

/// <summary>The identifiers of Docker's layer store: digests, chain ids, random cache ids and short links.</summary>
internal static class Digests
{
    private const string Base32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    /// <summary>"sha256:" and the hex digest of the bytes.</summary>
    public static string Sha256(ReadOnlySpan<byte> data) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>"sha256:" and the hex digest of a stream read to its end.</summary>
    public static string Sha256(Stream data) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>
    /// The chain id of a layer, as the image spec defines it: the bottom layer's chain id is its
    /// diff_id; every other one is the sha256 of "parent-chain-id diff_id" (one space between).
    /// </summary>
    public static string ChainId(string? parentChainId, string diffId) =>
        parentChainId is null ? diffId : Sha256(Encoding.UTF8.GetBytes(parentChainId + " " + diffId));

    /// <summary>A random 64-hex-digit id, as Docker gives container ids and overlay2 cache ids.</summary>
    public static string RandomId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    /// <summary>
    /// A random 26-character name for overlay2's <c>l/</c> short links: the kernel's mount options
    /// must fit in one page, so overlay2 names each layer's diff directory by a short link.
    /// </summary>
    public static string RandomShortLink()
    {
        Span<byte> bytes = stackalloc byte[26];
        RandomNumberGenerator.Fill(bytes);
        var name = new StringBuilder(26);
        foreach (byte b in bytes)
        {
            name.Append(Base32[b % 32]);
        }

        return name.ToString();
    }

    /// <summary>Whether a string is a "sha256:" digest with 64 lowercase hex digits.</summary>
    public static bool IsDigest(string value) =>
        value.Length == 71 && value.StartsWith("sha256:", StringComparison.Ordinal) && IsHex(value.AsSpan(7));

    /// <summary>Whether a string is 64 lowercase hex digits, as an id or cache id.</summary>
    public static bool IsHexId(string value) => value.Length == 64 && IsHex(value);

    private static bool IsHex(ReadOnlySpan<char> value)
    {
        foreach (char c in value)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
            {
                return false;
            }
        }

        return true;
    }
}
