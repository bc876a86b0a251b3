namespace Overlay.Fuse.Tests.Support;

/// <summary>Skips a test, with the reason and how to get what it needs.</summary>
internal static class Requires
{
    public static void Fuse()
    {
        if (FuseRequirements.Missing is { } reason)
        {
            Assert.Skip(reason);
        }
    }

    public static void Program(string program, string package)
    {
        if (!Run.Has(program))
        {
            Assert.Skip($"{program} is not installed (apt-get install {package}).");
        }
    }

    /// <summary>
    /// Skips unless this run is the deep lane (<c>OVERLAY_TEST_LANE=deep</c>, as .ci/run sets;
    /// CONTRIBUTING.md): for sweeps that take many minutes.
    /// </summary>
    public static void DeepLane(string why)
    {
        if (!string.Equals(Environment.GetEnvironmentVariable("OVERLAY_TEST_LANE"), "deep", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Skip($"Deep lane only ({why}); run it with OVERLAY_TEST_LANE=deep, as .ci/run does.");
        }
    }
}
