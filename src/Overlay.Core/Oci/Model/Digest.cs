using System.Security.Cryptography;

namespace Overlay.Oci.Model;

/// <summary>
/// A content digest as OCI and Docker write it: <c>algorithm:encoded</c>, here always
/// <c>sha256:</c> followed by 64 lowercase hexadecimal digits.
/// </summary>
/// <remarks>
/// Only SHA-256 is accepted: it is what Docker and every registry write, and the image
/// specification's other registered algorithm (sha512) never appears in layers or configs in practice.
/// An unknown algorithm is a <see cref="FormatException"/>, never silently unverified.
/// </remarks>
public sealed class Digest : IEquatable<Digest>
{
    /// <summary>The algorithm prefix of every digest this type holds.</summary>
    public const string Sha256 = "sha256";

    private Digest(string encoded)
    {
        Encoded = encoded;
    }

    /// <summary>The algorithm: always <c>sha256</c>.</summary>
    public string Algorithm => Sha256;

    /// <summary>The encoded hash: 64 lowercase hexadecimal digits.</summary>
    public string Encoded { get; }

    /// <summary>Parses <c>sha256:&lt;64 lowercase hex digits&gt;</c>.</summary>
    /// <param name="text">The digest text.</param>
    /// <returns>The digest.</returns>
    /// <exception cref="FormatException">The text is not a sha256 digest.</exception>
    public static Digest Parse(string text) =>
        TryParse(text, out var digest) ? digest : throw new FormatException($"'{text}' is not a sha256 digest (sha256: and 64 lowercase hexadecimal digits).");

    /// <summary>Parses <c>sha256:&lt;64 lowercase hex digits&gt;</c> without throwing.</summary>
    /// <param name="text">The digest text.</param>
    /// <param name="digest">The digest, when the text is one.</param>
    /// <returns>Whether the text is a sha256 digest.</returns>
    public static bool TryParse(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Digest? digest)
    {
        digest = null;
        if (text is null || text.Length != Sha256.Length + 1 + 64 || !text.StartsWith(Sha256 + ":", StringComparison.Ordinal))
        {
            return false;
        }

        string encoded = text[(Sha256.Length + 1)..];
        foreach (char c in encoded)
        {
            if (!char.IsAsciiDigit(c) && c is not (>= 'a' and <= 'f'))
            {
                return false;
            }
        }

        digest = new Digest(encoded);
        return true;
    }

    /// <summary>Makes a digest from a raw 32-byte SHA-256 hash.</summary>
    /// <param name="hash">The hash bytes.</param>
    /// <returns>The digest.</returns>
    public static Digest FromHash(ReadOnlySpan<byte> hash)
    {
        if (hash.Length != SHA256.HashSizeInBytes)
        {
            throw new ArgumentException($"A sha256 hash is {SHA256.HashSizeInBytes} bytes, not {hash.Length}.", nameof(hash));
        }

        return new Digest(Convert.ToHexStringLower(hash));
    }

    /// <summary>Computes the digest of some bytes.</summary>
    /// <param name="data">The bytes.</param>
    /// <returns>Their digest.</returns>
    public static Digest Compute(ReadOnlySpan<byte> data) => FromHash(SHA256.HashData(data));

    /// <summary>Computes the digest of a stream's remaining bytes.</summary>
    /// <param name="stream">The stream, read to its end.</param>
    /// <returns>The digest.</returns>
    public static Digest Compute(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return FromHash(SHA256.HashData(stream));
    }

    /// <summary>Computes the digest of a file.</summary>
    /// <param name="path">The file's path.</param>
    /// <returns>The digest of its bytes.</returns>
    public static Digest ComputeFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return Compute(stream);
    }

    /// <summary>Checks that a stream's remaining bytes have this digest.</summary>
    /// <param name="stream">The stream, read to its end.</param>
    /// <param name="what">What the bytes are, for the message (a blob's path, a layer's name).</param>
    /// <exception cref="InvalidDataException">The bytes have another digest.</exception>
    internal void Verify(Stream stream, string what)
    {
        var actual = Compute(stream);
        if (!Equals(actual))
        {
            throw new InvalidDataException($"Digest mismatch for {what}: expected {this}, found {actual}.");
        }
    }

    /// <inheritdoc />
    public bool Equals(Digest? other) => other is not null && string.Equals(Encoded, other.Encoded, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as Digest);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Encoded);

    /// <summary>The digest as OCI writes it: <c>sha256:&lt;hex&gt;</c>.</summary>
    /// <returns>The digest text.</returns>
    public override string ToString() => Sha256 + ":" + Encoded;

    /// <summary>Compares two digests by value.</summary>
    /// <param name="left">One digest.</param>
    /// <param name="right">The other.</param>
    /// <returns>Whether they are equal.</returns>
    public static bool operator ==(Digest? left, Digest? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Compares two digests by value.</summary>
    /// <param name="left">One digest.</param>
    /// <param name="right">The other.</param>
    /// <returns>Whether they differ.</returns>
    public static bool operator !=(Digest? left, Digest? right) => !(left == right);
}
