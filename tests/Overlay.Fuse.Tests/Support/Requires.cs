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
}
