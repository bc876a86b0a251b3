namespace Overlay.Tests.KernelScenarios;

/// <summary>
/// One recorded operation. <see cref="Name"/> is the <c>op</c> field; the other members are the
/// operation's arguments (null when the operation has no such argument). See the table in
/// <c>shared/fixtures/kernel-scenarios/README.md</c> for what each operation does.
/// </summary>
public sealed record ScenarioOp
{
    /// <summary>The operation: WriteAllText, AppendAllText, Truncate, …</summary>
    public required string Name { get; init; }

    /// <summary><c>path</c>, relative to the overlay root; may end with '/'.</summary>
    public string? Path { get; init; }

    /// <summary><c>from</c> of a move, relative to the overlay root; may end with '/'.</summary>
    public string? From { get; init; }

    /// <summary><c>to</c> of a move, relative to the overlay root; may end with '/'.</summary>
    public string? To { get; init; }

    /// <summary><c>text</c> of WriteAllText / AppendAllText.</summary>
    public string? Text { get; init; }

    /// <summary><c>length</c> of Truncate.</summary>
    public long? Length { get; init; }

    /// <summary><c>mode</c> of SetUnixFileMode, in octal digits as recorded (e.g. "640").</summary>
    public string? Mode { get; init; }

    /// <summary><c>ticks</c> of SetLastWriteTimeUtc (a UTC <see cref="DateTime"/>).</summary>
    public long? Ticks { get; init; }

    /// <summary><c>target</c> of CreateSymbolicLink.</summary>
    public string? Target { get; init; }

    /// <summary>The operation's JSON object as in the jsonl (without \uXXXX escapes), for messages and reproduction.</summary>
    public required string RawJson { get; init; }

    /// <inheritdoc />
    public override string ToString() => RawJson;
}
