namespace InferenceServer.Core.Telemetry;

/// <summary>
/// A sliding window as a ring of fixed-width time buckets: writes go to the bucket of "now" (cleared first if it
/// last held an older period); a read merges the buckets of the last <c>count</c> periods. The window therefore
/// covers between (count − 1) and count bucket widths. A bucket about to be reused is first handed to the
/// <c>retire</c> callback (the owner folds it into its lifetime total), so each value is written once and
/// lifetime = retired total + every bucket still in the ring. Not thread-safe: the owner's stripe lock guards it.
/// </summary>
public sealed class SlidingWindow<T>
    where T : class
{
    private readonly T[] _buckets;
    private readonly long[] _periods;
    private readonly long _widthTicks;
    private readonly Action<T> _clear;
    private readonly Action<T>? _retire;

    public SlidingWindow(int count, TimeSpan width, Func<T> create, Action<T> clear, Action<T>? retire = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(width, TimeSpan.Zero);
        _buckets = new T[count];
        _periods = new long[count];
        for (var i = 0; i < count; i++)
        {
            _buckets[i] = create();
            _periods[i] = long.MinValue;
        }

        _widthTicks = width.Ticks;
        _clear = clear;
        _retire = retire;
    }

    /// <summary>The bucket to write at <paramref name="now"/>.</summary>
    public T Current(DateTimeOffset now)
    {
        var period = now.UtcTicks / _widthTicks;
        var slot = (int)(period % _buckets.Length);
        if (_periods[slot] != period)
        {
            if (_periods[slot] != long.MinValue)
            {
                _retire?.Invoke(_buckets[slot]);
            }

            _clear(_buckets[slot]);
            _periods[slot] = period;
        }

        return _buckets[slot];
    }

    /// <summary>Merges every bucket still inside the window at <paramref name="now"/> into <paramref name="target"/>.</summary>
    public void MergeInto(T target, DateTimeOffset now, Action<T, T> merge)
    {
        var period = now.UtcTicks / _widthTicks;
        for (var i = 0; i < _buckets.Length; i++)
        {
            if (_periods[i] > period - _buckets.Length && _periods[i] <= period)
            {
                merge(target, _buckets[i]);
            }
        }
    }

    /// <summary>Merges every bucket in the ring, in the window or not (with the retired total: the lifetime).</summary>
    public void MergeAllInto(T target, Action<T, T> merge)
    {
        for (var i = 0; i < _buckets.Length; i++)
        {
            if (_periods[i] != long.MinValue)
            {
                merge(target, _buckets[i]);
            }
        }
    }
}
