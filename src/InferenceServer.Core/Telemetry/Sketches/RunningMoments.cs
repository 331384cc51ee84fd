namespace InferenceServer.Core.Telemetry.Sketches;

/// <summary>
/// Count, non-finite counts, min, max, mean and variance of a stream in one pass, mergeable across
/// threads or servers: Welford's update per value and Chan, Golub and LeVeque's pairwise merge, both
/// numerically stable (no sum of squares that cancels).
/// </summary>
/// <remarks>
/// A mutable struct, so a per-feature array of them needs no allocation: call <see cref="Add"/> on the
/// field or array element itself (<c>moments[i].Add(x)</c>), never on a copy. <c>default</c> is empty.
/// Not thread-safe; merge per-thread instances instead.
/// </remarks>
public struct RunningMoments
{
    private long _count;
    private long _nanCount;
    private long _infinityCount;
    private double _min;
    private double _max;
    private double _mean;
    private double _sumOfSquaredDeviations;

    /// <summary>Number of finite values added.</summary>
    public readonly long Count => _count;

    /// <summary>Number of NaN values offered (not in the statistics).</summary>
    public readonly long NaNCount => _nanCount;

    /// <summary>Number of ±infinity values offered (not in the statistics).</summary>
    public readonly long InfinityCount => _infinityCount;

    /// <summary>Smallest finite value; NaN when <see cref="Count"/> is 0.</summary>
    public readonly double Min => _count == 0 ? double.NaN : _min;

    /// <summary>Largest finite value; NaN when <see cref="Count"/> is 0.</summary>
    public readonly double Max => _count == 0 ? double.NaN : _max;

    /// <summary>Mean of the finite values; NaN when <see cref="Count"/> is 0.</summary>
    public readonly double Mean => _count == 0 ? double.NaN : _mean;

    /// <summary>Population variance (divided by <see cref="Count"/>) of the finite values; NaN when <see cref="Count"/> is 0.</summary>
    public readonly double Variance => _count == 0 ? double.NaN : Math.Max(0, _sumOfSquaredDeviations / _count);

    /// <summary>Population standard deviation; NaN when <see cref="Count"/> is 0.</summary>
    public readonly double StandardDeviation => Math.Sqrt(Variance);

    /// <summary>Adds a value; NaN and ±infinity are only counted.</summary>
    public void Add(double value)
    {
        if (!double.IsFinite(value))
        {
            if (double.IsNaN(value))
            {
                _nanCount++;
            }
            else
            {
                _infinityCount++;
            }

            return;
        }

        if (_count == 0)
        {
            _count = 1;
            _min = _max = _mean = value;
            _sumOfSquaredDeviations = 0;
            return;
        }

        _count++;
        var delta = value - _mean;
        _mean += delta / _count;
        _sumOfSquaredDeviations += delta * (value - _mean);
        if (value < _min)
        {
            _min = value;
        }

        if (value > _max)
        {
            _max = value;
        }
    }

    /// <summary>Adds <paramref name="other"/>'s values; the result equals the moments of the union up to rounding.</summary>
    public void Merge(in RunningMoments other)
    {
        _nanCount += other._nanCount;
        _infinityCount += other._infinityCount;
        if (other._count == 0)
        {
            return;
        }

        if (_count == 0)
        {
            _count = other._count;
            _min = other._min;
            _max = other._max;
            _mean = other._mean;
            _sumOfSquaredDeviations = other._sumOfSquaredDeviations;
            return;
        }

        var count = _count + other._count;
        var delta = other._mean - _mean;
        // Weights as doubles: the product of two large counts would overflow a long.
        var otherShare = (double)other._count / count;
        _mean += delta * otherShare;
        _sumOfSquaredDeviations += other._sumOfSquaredDeviations + (delta * delta * _count * otherShare);
        _count = count;
        _min = Math.Min(_min, other._min);
        _max = Math.Max(_max, other._max);
    }

    /// <summary>Empties the statistics.</summary>
    public void Clear() => this = default;
}
