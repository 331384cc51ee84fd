namespace InferenceServer.Core.Traffic;

/// <summary>
/// Requests and failures over a sliding window, for the rollback guard. The window is a ring of fixed-width
/// buckets on <see cref="TimeProvider.GetTimestamp"/> (monotonic, so a wall-clock step neither loses nor
/// replays counts); a read sums the current bucket and the ones before it still in the window, so it covers
/// between (window − one bucket) and the window.
/// <para>
/// <see cref="Increment"/> runs on the request path: no allocation, and one <see cref="Interlocked.Add(ref long, long)"/>
/// on a word that packs both counts (requests high 32 bits, failures low 32), so a reader never sees more
/// failures than requests. Only the first increment of a new bucket period takes a lock, to clear the bucket
/// last used a full window ago. An increment racing that clear may land in the neighbouring period: counts near
/// a bucket edge are approximate, which a guard reading hundreds of requests does not notice. A bucket holds up
/// to 2^32 − 1 of each count.
/// </para>
/// </summary>
public sealed class SlidingCounter
{
    private const long OneRequest = 1L << 32;
    private const long OneFailure = 1;
    private const long NeverUsed = long.MinValue;

    private readonly Bucket[] _buckets;
    private readonly long _bucketWidth;
    private readonly TimeProvider _time;
    private readonly Lock _clearLock = new();

    /// <param name="window">How far back a read reaches.</param>
    /// <param name="buckets">Buckets the window is cut into: more makes the window's trailing edge smoother.</param>
    public SlidingCounter(TimeSpan window, int buckets, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(buckets, 1);
        ArgumentNullException.ThrowIfNull(time);
        _bucketWidth = (long)((Int128)window.Ticks * time.TimestampFrequency / ((Int128)TimeSpan.TicksPerSecond * buckets));
        if (_bucketWidth < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(window), window, "the window must give each bucket at least one timestamp tick");
        }

        _time = time;
        Window = window;
        _buckets = new Bucket[buckets];
        for (var i = 0; i < _buckets.Length; i++)
        {
            _buckets[i].Period = NeverUsed;
        }
    }

    public TimeSpan Window { get; }

    /// <summary>Counts one finished request, and one failure unless <paramref name="success"/>.</summary>
    public void Increment(bool success)
    {
        var period = _time.GetTimestamp() / _bucketWidth;
        ref var bucket = ref _buckets[(int)((ulong)period % (ulong)_buckets.Length)];
        if (Volatile.Read(ref bucket.Period) != period)
        {
            Clear(ref bucket, period);
        }

        _ = Interlocked.Add(ref bucket.Packed, success ? OneRequest : OneRequest + OneFailure);
    }

    /// <summary>The counts in the window ending now.</summary>
    public SlidingCounts Read()
    {
        var current = _time.GetTimestamp() / _bucketWidth;
        long requests = 0, failures = 0;
        for (var i = 0; i < _buckets.Length; i++)
        {
            ref var bucket = ref _buckets[i];
            var period = Volatile.Read(ref bucket.Period);
            if (period != NeverUsed && period > current - _buckets.Length && period <= current)
            {
                var packed = (ulong)Volatile.Read(ref bucket.Packed);
                requests += (long)(packed >> 32);
                failures += (long)(packed & uint.MaxValue);
            }
        }

        return new SlidingCounts(requests, failures);
    }

    private void Clear(ref Bucket bucket, long period)
    {
        lock (_clearLock)
        {
            // Another thread may have cleared it while this one waited; a late thread with an older period
            // must not wipe a newer bucket (it counts into it instead).
            if (bucket.Period < period)
            {
                _ = Interlocked.Exchange(ref bucket.Packed, 0);
                Volatile.Write(ref bucket.Period, period);
            }
        }
    }

    private struct Bucket
    {
        public long Period;
        public long Packed;
    }
}
