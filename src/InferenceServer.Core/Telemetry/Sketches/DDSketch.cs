namespace InferenceServer.Core.Telemetry.Sketches;

/// <summary>
/// A mergeable quantile sketch with relative-error guarantees (DDSketch, Masson, Rim, Lee, VLDB 2019):
/// every quantile it reports is within <see cref="RelativeAccuracy"/> (α) of the true value at that
/// rank, whatever the distribution, so long tails (latencies, heavy-tailed features) stay accurate.
/// </summary>
/// <remarks>
/// <para>
/// <b>Structure.</b> Positive values are counted in logarithmic bins (<see cref="LogarithmicIndexMapping"/>),
/// negative values in a second store by magnitude, and values with |x| below about the smallest normal
/// double in a zero count. Each store is one growing array bounded at <see cref="MaxBinsPerStore"/> bins
/// (<see cref="CollapsingLowestDenseStore"/>): beyond that the bins nearest zero merge, which keeps
/// the extremes of both tails exact. At α = 1 % the default 2048 bins span a magnitude ratio of about
/// 6e17 per sign, beyond any realistic feature or latency; a finer α needs a proportionally larger
/// bound for the same range (at α = 0.1 % 2048 bins span only a ratio of about 60).
/// Memory is 8 bytes per bin, arrays doubling from 64 bins to cover each sign's range: 8 KiB for
/// positive data spanning six to seven decades at α = 1 % (16 KiB with both signs), 32 KiB at most
/// with the defaults.
/// </para>
/// <para>
/// <b>Quantiles</b> use the paper's lower-rank definition: <see cref="Quantile"/>(q) estimates the
/// item at 0-based position <c>floor(q · (Count − 1))</c> of the sorted data. q = 0 and q = 1 return
/// the exact <see cref="Min"/> and <see cref="Max"/>, and every answer is clamped to them.
/// </para>
/// <para>
/// <b>Cost.</b> <see cref="Add(double)"/> is one logarithm and an array increment; it allocates only
/// when the data's range grows past what the stores hold. Merging sketches with the same α is exact:
/// the merge equals the sketch of the union, bin for bin. Not thread-safe: one writer, and no reads
/// while it writes.
/// </para>
/// </remarks>
public sealed class DDSketch
{
    /// <summary>Default α: 1 % relative error.</summary>
    public const double DefaultRelativeAccuracy = 0.01;

    /// <summary>Default bound on each store's bins; see <see cref="MaxBinsPerStore"/>.</summary>
    public const int DefaultMaxBinsPerStore = 2048;

    /// <summary>Smallest accepted <see cref="MaxBinsPerStore"/>.</summary>
    public const int MinMaxBinsPerStore = 16;

    /// <summary>Largest accepted <see cref="MaxBinsPerStore"/> (8 MiB per store).</summary>
    public const int MaxMaxBinsPerStore = 1 << 20;

    private readonly LogarithmicIndexMapping _mapping;
    private readonly CollapsingLowestDenseStore _positive;
    private readonly CollapsingLowestDenseStore _negative;
    private long _zeroCount;
    private long _count;
    private long _nonFiniteCount;
    private double _sum;
    private double _min = double.PositiveInfinity;
    private double _max = double.NegativeInfinity;

    /// <param name="relativeAccuracy">α in [1e-6, 1): the largest relative error of a reported quantile.</param>
    public DDSketch(double relativeAccuracy = DefaultRelativeAccuracy)
        : this(relativeAccuracy, DefaultMaxBinsPerStore)
    {
    }

    /// <param name="relativeAccuracy">α in [1e-6, 1): the largest relative error of a reported quantile.</param>
    /// <param name="maxBinsPerStore">Bound on the bins of each sign's store, in [16, 2^20]; beyond it the bins nearest zero collapse.</param>
    public DDSketch(double relativeAccuracy, int maxBinsPerStore)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBinsPerStore, MinMaxBinsPerStore);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxBinsPerStore, MaxMaxBinsPerStore);
        _mapping = new LogarithmicIndexMapping(relativeAccuracy);
        _positive = new CollapsingLowestDenseStore(maxBinsPerStore);
        _negative = new CollapsingLowestDenseStore(maxBinsPerStore);
    }

    private DDSketch(DDSketch source)
    {
        _mapping = source._mapping;
        _positive = source._positive.Copy();
        _negative = source._negative.Copy();
        _zeroCount = source._zeroCount;
        _count = source._count;
        _nonFiniteCount = source._nonFiniteCount;
        _sum = source._sum;
        _min = source._min;
        _max = source._max;
    }

    /// <summary>α: the largest relative error of a reported quantile.</summary>
    public double RelativeAccuracy => _mapping.RelativeAccuracy;

    /// <summary>Bound on the bins of each sign's store.</summary>
    public int MaxBinsPerStore => _positive.MaxBins;

    /// <summary>Number of finite values added (zeros included; NaN and infinities excluded).</summary>
    public long Count => _count;

    /// <summary>Number of ±infinity values offered to <see cref="Add(double)"/>; they are not in the quantiles.</summary>
    public long NonFiniteCount => _nonFiniteCount;

    /// <summary>Number of values counted as zero (|x| below about the smallest normal double).</summary>
    public long ZeroCount => _zeroCount;

    public bool IsEmpty => _count == 0;

    /// <summary>Exact smallest finite value; NaN when empty.</summary>
    public double Min => _count == 0 ? double.NaN : _min;

    /// <summary>Exact largest finite value; NaN when empty.</summary>
    public double Max => _count == 0 ? double.NaN : _max;

    /// <summary>Sum of the finite values (0 when empty).</summary>
    public double Sum => _sum;

    /// <summary>Bytes held by the bin arrays, for memory accounting.</summary>
    public long AllocatedBinBytes => ((long)_positive.AllocatedBins + _negative.AllocatedBins) * sizeof(long);

    /// <summary>Adds one value. NaN is ignored; ±infinity is counted in <see cref="NonFiniteCount"/> only.</summary>
    public void Add(double value)
    {
        if (double.IsFinite(value))
        {
            AddFinite(value, 1);
        }
        else if (double.IsInfinity(value))
        {
            _nonFiniteCount++;
        }
    }

    /// <summary>Adds <paramref name="count"/> (≥ 0) copies of a value, with the same rules as <see cref="Add(double)"/>.</summary>
    public void Add(double value, long count)
    {
        if (count <= 0)
        {
            if (count < 0)
            {
                SketchThrow.CountNegative(count);
            }

            return;
        }

        if (double.IsFinite(value))
        {
            AddFinite(value, count);
        }
        else if (double.IsInfinity(value))
        {
            _nonFiniteCount += count;
        }
    }

    /// <summary>
    /// The value at 0-based rank <c>floor(q · (Count − 1))</c> within α relative error; NaN when empty.
    /// </summary>
    /// <param name="q">Quantile in [0, 1].</param>
    public double Quantile(double q)
    {
        if (!(q >= 0 && q <= 1))
        {
            SketchThrow.QuantileOutOfRange(q);
        }

        if (_count == 0)
        {
            return double.NaN;
        }

        // The extremes are known exactly; the lower-rank definition makes them the answers at 0 and 1.
        if (q == 0)
        {
            return _min;
        }

        if (q == 1)
        {
            return _max;
        }

        var rank = q * (_count - 1);
        var negatives = _negative.Total;
        double value;
        if (rank < negatives)
        {
            // Ascending values are descending magnitudes: walk the negative store from its highest bin.
            value = -_mapping.Value(_negative.IndexAtRank(rank, fromHighest: true));
        }
        else if (rank < negatives + _zeroCount)
        {
            value = 0;
        }
        else
        {
            value = _mapping.Value(_positive.IndexAtRank(rank - negatives - _zeroCount, fromHighest: false));
        }

        return Math.Clamp(value, _min, _max);
    }

    /// <summary>Adds <paramref name="other"/>'s values to this sketch; the result equals the sketch of the union.</summary>
    /// <exception cref="ArgumentException">The sketches have different <see cref="RelativeAccuracy"/>.</exception>
    public void Merge(DDSketch other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.RelativeAccuracy != RelativeAccuracy)
        {
            throw new ArgumentException(
                $"Cannot merge a sketch with relative accuracy {other.RelativeAccuracy} into one with {RelativeAccuracy}.", nameof(other));
        }

        _nonFiniteCount += other._nonFiniteCount;
        if (other._count == 0)
        {
            return;
        }

        // Read the other sketch's scalars first: other may be this sketch.
        var count = other._count;
        var zeroCount = other._zeroCount;
        var sum = other._sum;
        var min = other._min;
        var max = other._max;
        _positive.MergeFrom(other._positive);
        _negative.MergeFrom(other._negative);
        _zeroCount += zeroCount;
        _count += count;
        _sum += sum;
        _min = Math.Min(_min, min);
        _max = Math.Max(_max, max);
    }

    /// <summary>Empties the sketch, keeping its bin arrays for reuse.</summary>
    public void Clear()
    {
        _positive.Clear();
        _negative.Clear();
        _zeroCount = 0;
        _count = 0;
        _nonFiniteCount = 0;
        _sum = 0;
        _min = double.PositiveInfinity;
        _max = double.NegativeInfinity;
    }

    /// <summary>An independent deep copy.</summary>
    public DDSketch Copy() => new(this);

    /// <summary>The sketch's state as plain data (for export to a fleet aggregator or a file).</summary>
    public DDSketchSnapshot ToSnapshot()
    {
        var (positiveOffset, positiveCounts) = _positive.ToArray();
        var (negativeOffset, negativeCounts) = _negative.ToArray();
        var empty = _count == 0;
        return new DDSketchSnapshot
        {
            RelativeAccuracy = RelativeAccuracy,
            MaxBinsPerStore = MaxBinsPerStore,
            ZeroCount = _zeroCount,
            PositiveOffset = positiveOffset,
            PositiveCounts = positiveCounts,
            NegativeOffset = negativeOffset,
            NegativeCounts = negativeCounts,
            Count = _count,
            NonFiniteCount = _nonFiniteCount,
            // JSON has no infinities: an empty sketch exports 0 for both.
            Min = empty ? 0 : _min,
            Max = empty ? 0 : _max,
            Sum = _sum,
        };
    }

    /// <summary>Rebuilds a sketch from <see cref="ToSnapshot"/>'s output; its quantiles are identical.</summary>
    /// <exception cref="ArgumentException">The snapshot is inconsistent (negative counts, counts that do not
    /// add up to <see cref="DDSketchSnapshot.Count"/>, min above max, out-of-range settings).</exception>
    public static DDSketch FromSnapshot(DDSketchSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var positiveCounts = snapshot.PositiveCounts ?? [];
        var negativeCounts = snapshot.NegativeCounts ?? [];
        var maxBins = snapshot.MaxBinsPerStore == 0 ? DefaultMaxBinsPerStore : snapshot.MaxBinsPerStore;
        if (!(snapshot.RelativeAccuracy >= LogarithmicIndexMapping.MinRelativeAccuracy && snapshot.RelativeAccuracy < 1)
            || maxBins is < MinMaxBinsPerStore or > MaxMaxBinsPerStore)
        {
            throw SketchThrow.InvalidSnapshot("relative accuracy or bin bound out of range");
        }

        if (snapshot.ZeroCount < 0 || snapshot.NonFiniteCount < 0 || snapshot.Count < 0)
        {
            throw SketchThrow.InvalidSnapshot("negative count");
        }

        if (!CountsFitIndexRange(snapshot.PositiveOffset, positiveCounts.Length)
            || !CountsFitIndexRange(snapshot.NegativeOffset, negativeCounts.Length))
        {
            throw SketchThrow.InvalidSnapshot("bin range outside the index range");
        }

        var sketch = new DDSketch(snapshot.RelativeAccuracy, maxBins);
        var total = checked(AddBins(sketch._positive, snapshot.PositiveOffset, positiveCounts)
            + AddBins(sketch._negative, snapshot.NegativeOffset, negativeCounts)
            + snapshot.ZeroCount);
        if (total != snapshot.Count)
        {
            throw SketchThrow.InvalidSnapshot($"bin counts add up to {total}, not {snapshot.Count}");
        }

        if (total != 0 && !(double.IsFinite(snapshot.Min) && double.IsFinite(snapshot.Max) && snapshot.Min <= snapshot.Max))
        {
            throw SketchThrow.InvalidSnapshot("min and max must be finite with min ≤ max");
        }

        sketch._zeroCount = snapshot.ZeroCount;
        sketch._count = snapshot.Count;
        sketch._nonFiniteCount = snapshot.NonFiniteCount;
        sketch._sum = snapshot.Sum;
        if (total != 0)
        {
            sketch._min = snapshot.Min;
            sketch._max = snapshot.Max;
        }

        return sketch;
    }

    private void AddFinite(double value, long count)
    {
        if (value >= _mapping.MinIndexableValue)
        {
            _positive.Add(_mapping.Index(value), count);
        }
        else if (value <= -_mapping.MinIndexableValue)
        {
            _negative.Add(_mapping.Index(-value), count);
        }
        else
        {
            _zeroCount += count;
        }

        _count += count;
        _sum += value * count;
        if (value < _min)
        {
            _min = value;
        }

        if (value > _max)
        {
            _max = value;
        }
    }

    private static bool CountsFitIndexRange(int offset, int length) =>
        length == 0 || (long)offset + length - 1 <= int.MaxValue;

    private static long AddBins(CollapsingLowestDenseStore store, int offset, long[] counts)
    {
        long total = 0;
        // Highest first: the store's window settles at its top before the lower bins arrive.
        for (var i = counts.Length - 1; i >= 0; i--)
        {
            var count = counts[i];
            if (count < 0)
            {
                throw SketchThrow.InvalidSnapshot("negative bin count");
            }

            if (count != 0)
            {
                store.Add(offset + i, count);
                total = checked(total + count);
            }
        }

        return total;
    }
}
