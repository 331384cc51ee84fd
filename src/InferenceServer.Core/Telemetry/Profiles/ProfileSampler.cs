namespace InferenceServer.Core.Telemetry.Profiles;

/// <summary>
/// Decides which requests a <see cref="VersionProfile"/> observes, so that profiling costs a bounded share of a
/// core however fast requests arrive: every request while the values arriving per second stay within the budget,
/// else one request in N, with N recomputed each second from the previous second's arrivals. A stride (rather
/// than the first requests of each second) spreads the observed requests evenly over time.
/// </summary>
public sealed class ProfileSampler
{
    private readonly long _valuesPerSecond;
    private readonly object _roll = new();
    private long _second = long.MinValue;
    private long _arrivedValues;
    private long _arrivals;
    private long _stride = 1;

    /// <param name="valuesPerSecond">The budget in feature values per second; 0 observes every request.</param>
    public ProfileSampler(long valuesPerSecond)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(valuesPerSecond);
        _valuesPerSecond = valuesPerSecond;
    }

    /// <summary>One request in this many is observed (1: every request).</summary>
    public long Stride => Volatile.Read(ref _stride);

    /// <summary>Counts an arrival of <paramref name="values"/> feature values at <paramref name="now"/>; true when it is to be observed.</summary>
    public bool ShouldObserve(long values, DateTimeOffset now)
    {
        if (_valuesPerSecond == 0)
        {
            return true;
        }

        var second = now.UtcTicks / TimeSpan.TicksPerSecond;
        if (second != Volatile.Read(ref _second))
        {
            Roll(second);
        }

        Interlocked.Add(ref _arrivedValues, values);
        var stride = Volatile.Read(ref _stride);
        return stride == 1 || Interlocked.Increment(ref _arrivals) % stride == 0;
    }

    private void Roll(long second)
    {
        lock (_roll)
        {
            var previous = _second;
            if (second == previous)
            {
                return;
            }

            // The arrivals counted since the last roll, spread over the seconds that passed (at least one).
            var elapsed = previous == long.MinValue ? 1 : Math.Max(1, second - previous);
            var perSecond = Interlocked.Exchange(ref _arrivedValues, 0) / elapsed;
            Volatile.Write(ref _stride, Math.Max(1, (perSecond + _valuesPerSecond - 1) / _valuesPerSecond));
            Volatile.Write(ref _second, second);
        }
    }
}
