using Overlay.Layers;

namespace Overlay.Tests.Union;

/// <summary>Changes() on uppers the engine did not write itself (e.g. one loaded from disk), and Trace delivery.</summary>
public sealed class ChangesEdgeTests
{
    [Fact]
    public void Changes_WhenUpperHoldsAWhiteoutInsideAnOpaqueDirectory_ListsThatLowerNameAsDeleted()
    {
        var lower = new MemoryLayer("lower").AddFile("/d/x", "x").AddFile("/d/y", "y");
        var upper = new MemoryLayer("upper").AddDirectory("/d", opaque: true).AddWhiteout("/d/x");
        var overlay = new OverlayFileSystem([lower], upper);

        overlay.Changes(TestContext.Current.CancellationToken).Select(c => c.ToString()).Should().Equal("C /d", "D /d/x", "D /d/y");
    }

    [Fact]
    public void Changes_WhenTheTokenIsCancelled_ThrowsOperationCanceledAndTheViewIsUnchanged()
    {
        var lower = new MemoryLayer("lower").AddFile("/d/x", "x");
        var overlay = new OverlayFileSystem([lower], new MemoryLayer("upper"));
        overlay.File.WriteAllText("/d/new", "n");
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        var act = () => overlay.Changes(cancelled.Token);

        act.Should().Throw<OperationCanceledException>();
        overlay.Changes(TestContext.Current.CancellationToken).Select(c => c.ToString()).Should().Equal("C /d", "A /d/new");
    }

    [Fact]
    public void Trace_IsRaisedOnTheThreadThatRanTheOperation_AfterItFinished()
    {
        var lower = new MemoryLayer("lower").AddFile("/f", "1");
        var overlay = new OverlayFileSystem([lower], new MemoryLayer("upper"));
        var seen = new List<(OverlayEventKind Kind, int Thread, bool CopiedUp)>();
        overlay.Trace += (_, e) => seen.Add((e.Kind, Environment.CurrentManagedThreadId, overlay.Upper!.TryGetEntry("/f", out LayerEntry _)));

        overlay.File.AppendAllText("/f", "2");

        seen.Should().Contain(s => s.Kind == OverlayEventKind.CopyUp);
        seen.Should().OnlyContain(s => s.Thread == Environment.CurrentManagedThreadId && s.CopiedUp);
    }

    [Fact]
    public void Trace_AfterTheLastHandlerIsRemoved_IsNotRaised()
    {
        var overlay = new OverlayFileSystem([new MemoryLayer("lower").AddFile("/f", "1")], new MemoryLayer("upper"));
        int count = 0;
        EventHandler<OverlayEvent> handler = (_, _) => count++;
        overlay.LookupTrace += handler;
        overlay.File.Exists("/f");
        int afterFirst = count;

        overlay.LookupTrace -= handler;
        overlay.File.Exists("/f");

        afterFirst.Should().BeGreaterThan(0);
        count.Should().Be(afterFirst);
    }
}
