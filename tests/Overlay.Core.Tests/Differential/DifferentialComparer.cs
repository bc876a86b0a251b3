namespace Overlay.Tests.Differential;

/// <summary>
/// Compares what the kernel and the library gave for one step, after applying the differences
/// docs/differences-from-kernel.md documents as intended, each one explicitly and narrowly (and
/// each pinned by a test in <see cref="KnownDifferenceTests"/>). Nothing else is ignored.
/// </summary>
public static class DifferentialComparer
{
    /// <summary>A side's values after one step, as compared.</summary>
    public sealed record Values(string Outcome, IReadOnlyList<string> Merged, IReadOnlyList<string> Upper);

    /// <summary>
    /// The kernel's values with the documented differences applied, so that they can be compared
    /// line for line with the library's (which are never rewritten).
    /// </summary>
    public static Values NormaliseKernel(DiffOp op, Values kernel, StackSpec stack)
    {
        ArgumentNullException.ThrowIfNull(op);
        ArgumentNullException.ThrowIfNull(kernel);
        ArgumentNullException.ThrowIfNull(stack);
        var outcome = kernel.Outcome;
        if (op is ListOp list)
        {
            outcome = NormaliseListing(list, outcome, stack);
        }

        return kernel with { Outcome = outcome, Merged = [.. kernel.Merged.Where(line => !IsDocumentedGhost(line, stack))] };
    }

    /// <summary>Whether the two sides agree.</summary>
    public static bool Same(Values kernelNormalised, Values library) =>
        kernelNormalised.Outcome == library.Outcome
        && kernelNormalised.Merged.SequenceEqual(library.Merged, StringComparer.Ordinal)
        && kernelNormalised.Upper.SequenceEqual(library.Upper, StringComparer.Ordinal);

    /// <summary>
    /// docs/differences-from-kernel.md, "A whiteout inside an opaque directory is hidden": the
    /// kernel lists such a whiteout (a directory it does not merge is read as it is on disk) but
    /// cannot look it up; the library neither lists nor finds it. A merged-dump line
    /// <c>path ghost</c> (listed, not found) is dropped from the kernel's side only when a lower
    /// really holds a whiteout at that path; any other ghost stays and differs.
    /// </summary>
    public static bool IsDocumentedGhost(string mergedLine, StackSpec stack)
    {
        ArgumentNullException.ThrowIfNull(mergedLine);
        ArgumentNullException.ThrowIfNull(stack);
        const string suffix = " ghost";
        return mergedLine.EndsWith(suffix, StringComparison.Ordinal)
            && stack.HasLowerWhiteout(mergedLine[..^suffix.Length]);
    }

    /// <summary>
    /// A listing's outcome (<c>ok: [a,b?d/b,c]</c>) with two documented differences applied:
    /// "Directory listings are sorted" (docs/differences-from-kernel.md: the kernel's readdir order
    /// is an implementation detail, the library's is ordinal), so the kernel's names are sorted
    /// ordinally, and the library's are compared as they come (so an unsorted library listing
    /// differs); and "A whiteout inside an opaque directory is hidden" (see
    /// <see cref="IsDocumentedGhost"/>): a name marked as not found (with its real path, links
    /// resolved) is dropped when a lower holds a whiteout at that path.
    /// </summary>
    public static string NormaliseListing(ListOp op, string outcome, StackSpec stack)
    {
        ArgumentNullException.ThrowIfNull(op);
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(stack);
        const string prefix = "ok: '[";
        const string suffix = "]'";
        if (!outcome.StartsWith(prefix, StringComparison.Ordinal) || !outcome.EndsWith(suffix, StringComparison.Ordinal))
        {
            return outcome;
        }

        var body = outcome[prefix.Length..^suffix.Length];
        var names = body.Length == 0 ? [] : body.Split(',');
        var kept = names.Where(name => !IsDocumentedGhostName(name, stack)).Order(StringComparer.Ordinal);
        return prefix + string.Join(",", kept) + suffix;
    }

    private static bool IsDocumentedGhostName(string listed, StackSpec stack)
    {
        var mark = listed.IndexOf(ListOp.GhostMark, StringComparison.Ordinal);
        return mark >= 0 && stack.HasLowerWhiteout(listed[(mark + 1)..]);
    }
}
