using System.Globalization;

namespace Overlay.Tests.Reliability;

/// <summary>
/// Which mutating call of a storage fails, and how: the k-th (1-based) once the plan is armed,
/// before or after the call's own work, with an I/O error (EIO) or a full disk (ENOSPC) as
/// System.IO reports them on Linux (<see cref="IOException"/> whose HResult is the errno). Only
/// one call fails; the calls before and after it go through. Thread-safe.
/// </summary>
public sealed class FaultPlan
{
    /// <summary>EIO: an I/O error.</summary>
    public const int EIO = 5;

    /// <summary>ENOSPC: no space left on the device.</summary>
    public const int ENOSPC = 28;

    private readonly Lock _gate = new();
    private int _count;
    private bool _armed;

    /// <summary>A plan that counts calls and fails none (<see cref="FailAt"/> 0).</summary>
    public FaultPlan()
    {
    }

    /// <summary>A plan that fails the <paramref name="failAt"/>-th mutating call.</summary>
    /// <param name="failAt">1-based; 0 fails nothing.</param>
    /// <param name="timing">Before or after the call's own work.</param>
    /// <param name="errno">The errno the failure carries (<see cref="EIO"/> or <see cref="ENOSPC"/>).</param>
    public FaultPlan(int failAt, FaultTiming timing, int errno)
    {
        FailAt = failAt;
        Timing = timing;
        Errno = errno;
    }

    /// <summary>The 1-based number of the call that fails; 0 for none.</summary>
    public int FailAt { get; }

    /// <summary>Before or after the call's own work.</summary>
    public FaultTiming Timing { get; }

    /// <summary>The errno of the failure.</summary>
    public int Errno { get; } = EIO;

    /// <summary>The mutating calls counted since the plan was armed.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    /// <summary>The call that failed, or <see langword="null"/> while none has.</summary>
    public string? Failed { get; private set; }

    /// <summary>Starts counting (calls made while building a scenario's setup do not count).</summary>
    public void Arm()
    {
        lock (_gate)
        {
            _armed = true;
            _count = 0;
        }
    }

    /// <summary>Stops counting and failing.</summary>
    public void Disarm()
    {
        lock (_gate)
        {
            _armed = false;
        }
    }

    /// <summary>Runs one mutating call under the plan.</summary>
    /// <typeparam name="T">What the call returns.</typeparam>
    /// <param name="call">The call's name and arguments, for the failure's message.</param>
    /// <param name="action">The call itself.</param>
    /// <param name="undoResult">
    /// What to do with the result of a call that is failed after its work (close a stream it
    /// opened); <see langword="null"/> to drop it.
    /// </param>
    /// <returns>What the call returned.</returns>
    public T Run<T>(string call, Func<T> action, Action<T>? undoResult = null)
    {
        ArgumentNullException.ThrowIfNull(action);
        bool fail;
        lock (_gate)
        {
            fail = _armed && ++_count == FailAt;
            if (fail)
            {
                Failed = call;
            }
        }

        if (fail && Timing == FaultTiming.Before)
        {
            throw Fault(call);
        }

        var result = action();
        if (fail)
        {
            undoResult?.Invoke(result);
            throw Fault(call);
        }

        return result;
    }

    /// <summary>Runs one mutating call that returns nothing under the plan.</summary>
    /// <param name="call">The call's name and arguments.</param>
    /// <param name="action">The call itself.</param>
    public void Run(string call, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        Run(call, () =>
        {
            action();
            return 0;
        });
    }

    /// <summary>The exception an injected failure throws.</summary>
    /// <param name="call">The failed call.</param>
    /// <returns>An <see cref="IOException"/> carrying <see cref="Errno"/>.</returns>
    public IOException Fault(string call) => new(
        string.Create(CultureInfo.InvariantCulture, $"Injected fault ({(Errno == ENOSPC ? "No space left on device" : "Input/output error")}, {Timing.ToString().ToLowerInvariant()} the call) at mutating call #{FailAt}: {call}"),
        Errno);

    /// <inheritdoc />
    public override string ToString() => FailAt == 0
        ? "no fault"
        : string.Create(CultureInfo.InvariantCulture, $"fail call #{FailAt} {Timing.ToString().ToLowerInvariant()} its work with errno {Errno}");
}
