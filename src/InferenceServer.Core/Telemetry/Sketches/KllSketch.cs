namespace InferenceServer.Core.Telemetry.Sketches;

/// <summary>
/// A mergeable quantile sketch with additive rank error (KLL, Karnin, Lang, Liberty, FOCS 2016) over
/// doubles: <see cref="Rank"/> and <see cref="Quantile"/> are within about 1.3 % of the true normalized
/// rank for k = 200 (99 % confidence), in a few KiB whatever the stream length.
/// </summary>
/// <remarks>
/// <para>
/// <b>Structure.</b> A stack of compactors: level h holds items standing for 2^h inputs each. New items
/// go to level 0. The top level's capacity is k and each level below has 2/3 of the one above, but at
/// least 8. When the levels together are full, the lowest level at or over its capacity is sorted and
/// halved: every other item, from a random one of the first two, moves up a level with doubled weight
/// (which adds a level when the top one compacts). The total weight always equals <see cref="Count"/>.
/// The coin flips come from the injected <see cref="Random"/>, so a seeded sketch is deterministic.
/// </para>
/// <para>
/// <b>Memory.</b> All levels share one array preallocated for <see cref="MaxLevels"/> levels (enough
/// for 2^61 items): 1,001 doubles (7.8 KiB) for k = 200, of which about 600 hold items at any time.
/// Queries build a sorted view of the retained items once per change, in two more arrays of the same
/// length (15.6 KiB) allocated on the first query. After construction <see cref="Add"/> never
/// allocates; compaction sorts and merges in place.
/// </para>
/// <para>
/// Not thread-safe: one writer, and no reads while it writes (queries update the cached view).
/// </para>
/// </remarks>
public sealed class KllSketch
{
    /// <summary>Default k: about 1.3 % normalized rank error.</summary>
    public const int DefaultK = 200;

    /// <summary>Smallest accepted k.</summary>
    public const int MinK = 8;

    /// <summary>Largest accepted k.</summary>
    public const int MaxK = 65535;

    /// <summary>
    /// Most levels a sketch can have: a new top level appears only when the old one holds at least
    /// <see cref="MinLevelWidth"/> items of weight 2^(h−1), so 61 levels already need over 2^63 items.
    /// </summary>
    public const int MaxLevels = 61;

    /// <summary>Least capacity of any level (the paper's m).</summary>
    internal const int MinLevelWidth = 8;

    private readonly int[] _capacityByDepth;
    private readonly double[] _items;
    private readonly int[] _levels;
    private readonly Random _random;
    private int _numLevels;
    private int _capacityStart;
    private long _count;
    private double _min;
    private double _max;

    private double[]? _viewItems;
    private long[]? _viewCumulativeWeights;
    private int _viewLength;
    private bool _viewValid;

    /// <param name="k">Accuracy parameter in [8, 65535]: rank error shrinks roughly as 1/k, memory grows as 3k.</param>
    /// <remarks>Coin flips come from <see cref="Random.Shared"/>: independent across sketches, not reproducible.</remarks>
    public KllSketch(int k = DefaultK)
        : this(k, Random.Shared)
    {
    }

    /// <param name="k">Accuracy parameter in [8, 65535]: rank error shrinks roughly as 1/k, memory grows as 3k.</param>
    /// <param name="random">Source of the compaction coin flips; pass a seeded instance for reproducible sketches.
    /// It must be safe for the thread that writes the sketch (copies share it).</param>
    public KllSketch(int k, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, MinK);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, MaxK);
        ArgumentNullException.ThrowIfNull(random);
        K = k;
        _random = random;
        _capacityByDepth = new int[MaxLevels];
        for (var depth = 0; depth < MaxLevels; depth++)
        {
            _capacityByDepth[depth] = KllCompaction.LevelCapacity(k, depth, MinLevelWidth);
        }

        _items = new double[KllCompaction.TotalCapacity(_capacityByDepth, MaxLevels)];
        _levels = new int[MaxLevels + 2];
        Reset();
    }

    /// <summary>The accuracy parameter.</summary>
    public int K { get; }

    /// <summary>Number of finite values added (NaN and infinities are ignored; the caller counts them).</summary>
    public long Count => _count;

    public bool IsEmpty => _count == 0;

    /// <summary>Exact smallest value; NaN when empty.</summary>
    public double Min => _count == 0 ? double.NaN : _min;

    /// <summary>Exact largest value; NaN when empty.</summary>
    public double Max => _count == 0 ? double.NaN : _max;

    /// <summary>Number of items the sketch keeps.</summary>
    public int RetainedCount => _items.Length - _levels[0];

    /// <summary>Current number of levels.</summary>
    public int LevelCount => _numLevels;

    /// <summary>Bytes held by the item array and, once queried, the sorted view.</summary>
    public long AllocatedBytes =>
        ((long)_items.Length * sizeof(double)) + (_levels.Length * sizeof(int)) + (_capacityByDepth.Length * sizeof(int))
        + (_viewItems is null ? 0 : (long)_items.Length * (sizeof(double) + sizeof(long)));

    /// <summary>Adds a value; NaN and ±infinity are ignored.</summary>
    public void Add(double value)
    {
        if (!double.IsFinite(value))
        {
            return;
        }

        AddRetained(value);
        _count++;
        if (value < _min)
        {
            _min = value;
        }

        if (value > _max)
        {
            _max = value;
        }
    }

    /// <summary>
    /// An item whose normalized rank is about q: the smallest retained item whose cumulative weight
    /// reaches q · <see cref="Count"/>. q = 0 and q = 1 give the exact <see cref="Min"/> and <see cref="Max"/>.
    /// NaN when empty.
    /// </summary>
    /// <param name="q">Normalized rank in [0, 1].</param>
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

        if (q == 0)
        {
            return _min;
        }

        if (q == 1)
        {
            return _max;
        }

        var view = GetSortedView();
        var target = q * _count;
        var weights = view.CumulativeWeights;
        var low = 0;
        var high = weights.Length - 1;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (weights[middle] >= target)
            {
                high = middle;
            }
            else
            {
                low = middle + 1;
            }
        }

        return view.Items[low];
    }

    /// <summary>Estimated fraction of the values that are ≤ <paramref name="value"/> (the CDF); NaN when empty.</summary>
    public double Rank(double value)
    {
        if (_count == 0)
        {
            return double.NaN;
        }

        var view = GetSortedView();
        return (double)view.WeightAtOrBelow(value) / _count;
    }

    /// <summary>Adds <paramref name="other"/>'s values to this sketch. The sketches may have different k;
    /// the result has this sketch's k and at worst the error of the smaller k.</summary>
    public void Merge(KllSketch other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other._count == 0)
        {
            return;
        }

        if (ReferenceEquals(other, this))
        {
            other = Copy();
        }

        var count = _count + other._count;
        var min = Math.Min(_min, other._min);
        var max = Math.Max(_max, other._max);

        // Level 0 items have weight 1: they go through the ordinary update path.
        for (var i = other._levels[0]; i < other._levels[1]; i++)
        {
            AddRetained(other._items[i]);
        }

        if (other._numLevels > 1)
        {
            MergeHigherLevels(other);
        }

        _count = count;
        _min = min;
        _max = max;
        _viewValid = false;
    }

    /// <summary>Empties the sketch, keeping its arrays.</summary>
    public void Clear() => Reset();

    /// <summary>An independent copy sharing this sketch's <see cref="Random"/>.</summary>
    public KllSketch Copy()
    {
        var copy = new KllSketch(K, _random);
        Array.Copy(_items, _levels[0], copy._items, _levels[0], _items.Length - _levels[0]);
        Array.Copy(_levels, copy._levels, _levels.Length);
        copy._numLevels = _numLevels;
        copy._capacityStart = _capacityStart;
        copy._count = _count;
        copy._min = _min;
        copy._max = _max;
        return copy;
    }

    /// <summary>The sketch's state as plain data (for a stored reference profile or a fleet aggregator).</summary>
    public KllSnapshot ToSnapshot()
    {
        var levels = new double[_numLevels][];
        for (var level = 0; level < _numLevels; level++)
        {
            levels[level] = _items.AsSpan(_levels[level], _levels[level + 1] - _levels[level]).ToArray();
        }

        var empty = _count == 0;
        return new KllSnapshot
        {
            K = K,
            Count = _count,
            Min = empty ? 0 : _min,
            Max = empty ? 0 : _max,
            Levels = levels,
        };
    }

    /// <summary>Rebuilds a sketch from <see cref="ToSnapshot"/>'s output, with coin flips from <see cref="Random.Shared"/>.</summary>
    /// <exception cref="ArgumentException">The snapshot is inconsistent.</exception>
    public static KllSketch FromSnapshot(KllSnapshot snapshot) => FromSnapshot(snapshot, Random.Shared);

    /// <summary>Rebuilds a sketch from <see cref="ToSnapshot"/>'s output; its ranks and quantiles are identical.</summary>
    /// <exception cref="ArgumentException">The snapshot is inconsistent: k out of range, too many levels or
    /// items for them, non-finite items, unsorted levels above 0, weights that do not add up to
    /// <see cref="KllSnapshot.Count"/>, or items outside [min, max].</exception>
    public static KllSketch FromSnapshot(KllSnapshot snapshot, Random random)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (snapshot.K is < MinK or > MaxK)
        {
            throw SketchThrow.InvalidSnapshot($"k {snapshot.K} out of range");
        }

        var levels = snapshot.Levels ?? [];
        if (levels.Length > MaxLevels)
        {
            throw SketchThrow.InvalidSnapshot($"{levels.Length} levels, at most {MaxLevels} allowed");
        }

        var sketch = new KllSketch(snapshot.K, random);
        var numLevels = Math.Max(1, levels.Length);
        var retained = 0L;
        var weight = 0L;
        for (var level = 0; level < levels.Length; level++)
        {
            var items = levels[level] ?? [];
            retained += items.Length;
            weight = checked(weight + (items.Length * (1L << level)));
            for (var i = 0; i < items.Length; i++)
            {
                if (!double.IsFinite(items[i]) || !(items[i] >= snapshot.Min && items[i] <= snapshot.Max))
                {
                    throw SketchThrow.InvalidSnapshot("an item is not finite or lies outside [min, max]");
                }

                if (level > 0 && i > 0 && items[i] < items[i - 1])
                {
                    throw SketchThrow.InvalidSnapshot($"level {level} is not sorted");
                }
            }
        }

        if (weight != snapshot.Count)
        {
            throw SketchThrow.InvalidSnapshot($"item weights add up to {weight}, not {snapshot.Count}");
        }

        var capacity = KllCompaction.TotalCapacity(sketch._capacityByDepth, numLevels);
        if (retained > capacity)
        {
            throw SketchThrow.InvalidSnapshot($"{retained} items exceed the {capacity} that {numLevels} levels hold");
        }

        // Lay the levels out so the top one ends at the end of the array.
        var position = sketch._items.Length - (int)retained;
        for (var level = 0; level < numLevels; level++)
        {
            sketch._levels[level] = position;
            if (level < levels.Length && levels[level] is { } items)
            {
                items.CopyTo(sketch._items, position);
                position += items.Length;
            }
        }

        sketch._levels[numLevels] = sketch._items.Length;
        sketch._numLevels = numLevels;
        sketch._capacityStart = sketch._items.Length - capacity;
        sketch._count = snapshot.Count;
        if (snapshot.Count != 0)
        {
            sketch._min = snapshot.Min;
            sketch._max = snapshot.Max;
        }

        return sketch;
    }

    /// <summary>The retained items sorted, with cumulative weights; valid until the sketch changes.</summary>
    internal KllSortedView GetSortedView()
    {
        if (!_viewValid)
        {
            BuildSortedView();
        }

        return new KllSortedView(_viewItems.AsSpan(0, _viewLength), _viewCumulativeWeights.AsSpan(0, _viewLength));
    }

    private void Reset()
    {
        _numLevels = 1;
        _capacityStart = _items.Length - _capacityByDepth[0];
        _levels[0] = _levels[1] = _items.Length;
        _count = 0;
        _min = double.PositiveInfinity;
        _max = double.NegativeInfinity;
        _viewValid = false;
    }

    // Puts an item of weight 1 on level 0, compacting first when the levels are full.
    private void AddRetained(double value)
    {
        if (_levels[0] == _capacityStart)
        {
            CompressOneLevel();
        }

        _items[--_levels[0]] = value;
        _viewValid = false;
    }

    // Halves the lowest level at or over its capacity into the level above (adding a top level when
    // that is the top one), then shifts the levels below it up into the freed slots.
    private void CompressOneLevel()
    {
        var level = 0;
        while (_levels[level + 1] - _levels[level] < _capacityByDepth[_numLevels - level - 1])
        {
            level++;
        }

        if (level == _numLevels - 1)
        {
            AddEmptyTopLevel();
        }

        var rawBegin = _levels[level];
        var rawEnd = _levels[level + 1];
        var populationAbove = _levels[level + 2] - rawEnd;
        var rawPopulation = rawEnd - rawBegin;
        var odd = (rawPopulation & 1) == 1;
        var begin = odd ? rawBegin + 1 : rawBegin;
        var population = odd ? rawPopulation - 1 : rawPopulation;
        var half = population / 2;

        // Level 0 is kept in arrival order; every level above it is sorted.
        if (level == 0)
        {
            _items.AsSpan(begin, population).Sort();
        }

        var offset = _random.Next(2);
        if (populationAbove == 0)
        {
            KllCompaction.HalveUp(_items, begin, population, offset);
        }
        else
        {
            KllCompaction.HalveDown(_items, begin, population, offset);
            KllCompaction.MergeSorted(_items, begin, half, _items, rawEnd, populationAbove, _items, begin + half);
        }

        _levels[level + 1] -= half;
        if (odd)
        {
            // The odd item out (never touched above) stays on this level, just below the level above.
            _levels[level] = _levels[level + 1] - 1;
            _items[_levels[level]] = _items[rawBegin];
        }
        else
        {
            _levels[level] = _levels[level + 1];
        }

        if (level > 0)
        {
            var below = rawBegin - _levels[0];
            Array.Copy(_items, _levels[0], _items, _levels[0] + half, below);
            for (var lower = 0; lower < level; lower++)
            {
                _levels[lower] += half;
            }
        }
    }

    // The new top level starts empty at the end of the array; every level moves one depth further from
    // the top, so the total capacity grows by the capacity at the new greatest depth, taken from the
    // free space below level 0 (the array was sized for MaxLevels, so nothing moves).
    private void AddEmptyTopLevel()
    {
        if (_numLevels == MaxLevels)
        {
            throw new InvalidOperationException($"A KLL sketch cannot exceed {MaxLevels} levels.");
        }

        _capacityStart -= _capacityByDepth[_numLevels];
        _levels[_numLevels + 1] = _levels[_numLevels];
        _numLevels++;
    }

    // Merges other's levels 1 and up: per level, this sketch's items and other's merged sorted into a
    // work array, then compacted bottom-up until they fit, then copied back to the end of _items.
    private void MergeHigherLevels(KllSketch other)
    {
        var provisionalLevels = Math.Max(_numLevels, other._numLevels);
        var work = new double[RetainedCount + (other._items.Length - other._levels[1])];
        var workLevels = new int[MaxLevels + 2];
        var outputLevels = new int[MaxLevels + 2];

        var levelZero = _levels[1] - _levels[0];
        Array.Copy(_items, _levels[0], work, 0, levelZero);
        workLevels[1] = levelZero;
        for (var level = 1; level < provisionalLevels; level++)
        {
            var mine = level < _numLevels ? _levels[level + 1] - _levels[level] : 0;
            var theirs = level < other._numLevels ? other._levels[level + 1] - other._levels[level] : 0;
            KllCompaction.MergeSorted(
                _items, mine == 0 ? 0 : _levels[level], mine, other._items, theirs == 0 ? 0 : other._levels[level], theirs, work, workLevels[level]);
            workLevels[level + 1] = workLevels[level] + mine + theirs;
        }

        var output = new double[work.Length];
        var numLevels = KllCompaction.CompressAll(provisionalLevels, work, workLevels, output, outputLevels, _capacityByDepth, _random);

        var retained = outputLevels[numLevels];
        var start = _items.Length - retained;
        Array.Copy(output, 0, _items, start, retained);
        for (var level = 0; level <= numLevels; level++)
        {
            _levels[level] = start + outputLevels[level];
        }

        _numLevels = numLevels;
        _capacityStart = _items.Length - KllCompaction.TotalCapacity(_capacityByDepth, numLevels);
    }

    private void BuildSortedView()
    {
        _viewItems ??= new double[_items.Length];
        _viewCumulativeWeights ??= new long[_items.Length];
        var length = 0;
        for (var level = 0; level < _numLevels; level++)
        {
            var weight = 1L << level;
            for (var i = _levels[level]; i < _levels[level + 1]; i++)
            {
                _viewItems[length] = _items[i];
                _viewCumulativeWeights[length] = weight;
                length++;
            }
        }

        var items = _viewItems.AsSpan(0, length);
        var weights = _viewCumulativeWeights.AsSpan(0, length);
        items.Sort(weights);
        long cumulative = 0;
        for (var i = 0; i < weights.Length; i++)
        {
            cumulative += weights[i];
            weights[i] = cumulative;
        }

        _viewLength = length;
        _viewValid = true;
    }
}
