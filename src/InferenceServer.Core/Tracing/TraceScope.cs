namespace InferenceServer.Core.Tracing;

/// <summary>
/// One scope's settings and its sampling counters (the server's, or one model's that has settings of its own), as
/// Triton's <c>TraceSetting::SampleTrace</c>: every <see cref="TraceSettings.Rate"/>-th request of the scope is traced,
/// while traces remain. Counters are lock-free; a settings change builds new scopes, so counting starts again.
/// </summary>
internal sealed class TraceScope
{
    private long _seen;
    private long _remaining;

    public TraceScope(TraceSettings settings)
    {
        Settings = settings;
        _remaining = settings.Count;
    }

    /// <summary>The settings as configured (the count as it was then).</summary>
    public TraceSettings Settings { get; }

    /// <summary>The settings with the traces still to collect, as a read shows them.</summary>
    public TraceSettings Current => Settings with { Count = Volatile.Read(ref _remaining) };

    /// <summary>Counts one request of the scope; true when it is to be traced (and then one fewer trace remains).</summary>
    public bool TrySample()
    {
        if (Settings.Rate == 0 || Interlocked.Increment(ref _seen) % Settings.Rate != 0)
        {
            return false;
        }

        return TryTakeOne();
    }

    /// <summary>Takes one of the remaining traces without counting a request (a request whose caller's context is sampled).</summary>
    public bool TryTakeOne()
    {
        while (true)
        {
            var remaining = Volatile.Read(ref _remaining);
            if (remaining < 0)
            {
                return true;
            }

            if (remaining == 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _remaining, remaining - 1, remaining) == remaining)
            {
                return true;
            }
        }
    }
}
