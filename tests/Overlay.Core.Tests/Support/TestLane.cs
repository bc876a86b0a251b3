using System.Globalization;

namespace Overlay.Tests.Support;

/// <summary>
/// Which of the two lanes a test run is: the <b>fast</b> lane (the default: the README's
/// <c>dotnet test</c>, every behaviour covered, the long sweeps sampled) or the <b>deep</b> lane
/// (<c>OVERLAY_TEST_LANE=deep</c>, set by <c>.ci/run</c>: every sweep in full, the package and
/// Docker round trips required). A sweep's own variable (for example <c>OVERLAY_FAULT_HOST_STRIDE</c>)
/// overrides the lane's value. CONTRIBUTING.md lists them.
/// </summary>
public static class TestLane
{
    /// <summary>The environment variable naming the lane: <c>deep</c>, or anything else for the fast lane.</summary>
    public const string Variable = "OVERLAY_TEST_LANE";

    /// <summary>Whether this run is the deep lane.</summary>
    public static bool IsDeep =>
        string.Equals(Environment.GetEnvironmentVariable(Variable), "deep", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// A sweep's size: the positive whole number in <paramref name="variable"/> when it holds one,
    /// else <paramref name="deep"/> in the deep lane and <paramref name="fast"/> in the fast one.
    /// </summary>
    /// <param name="variable">The sweep's own environment variable.</param>
    /// <param name="fast">The size in the fast lane.</param>
    /// <param name="deep">The size in the deep lane.</param>
    public static int Size(string variable, int fast, int deep) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value > 0
            ? value
            : IsDeep ? deep : fast;

    /// <summary>Skips the calling test unless this is the deep lane, saying why and how to run it.</summary>
    /// <param name="why">What the test needs that the fast lane does not spend (time, network).</param>
    public static void SkipUnlessDeep(string why)
    {
        if (!IsDeep)
        {
            Assert.Skip($"Deep lane only ({why}); run it with {Variable}=deep, as .ci/run does.");
        }
    }
}
