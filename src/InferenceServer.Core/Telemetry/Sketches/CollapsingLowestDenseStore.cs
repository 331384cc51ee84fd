namespace InferenceServer.Core.Telemetry.Sketches;

/// <summary>
/// Counts per bin index for one sign of a <see cref="DDSketch"/>, in one array that grows to cover the
/// occupied index range, bounded at <see cref="MaxBins"/> bins by the paper's "collapsing lowest" rule.
/// </summary>
/// <remarks>
/// <para>
/// <b>Layout.</b> <c>_counts[i]</c> holds bin <c>_offset + i</c>. While the store is not empty the
/// occupied range <c>[_minIndex, _maxIndex]</c> lies inside the array, both end bins are non-zero, and
/// every slot outside the range is zero. Growth doubles the array (up to <see cref="MaxBins"/>) and
/// centres the occupied range in it, so once the data's range has been seen an add never allocates.
/// </para>
/// <para>
/// <b>Collapsing lowest.</b> The range never spans more than <see cref="MaxBins"/> bins. When a new
/// high index would exceed that, every bin below the new window is added into the window's lowest
/// bin; a new low index below the window goes straight into the lowest bin. Counts are never lost,
/// only the smallest magnitudes lose accuracy: with α = 1 % and 2048 bins the window spans a ratio
/// of γ^2048 ≈ 6e17 between the largest and smallest magnitude kept exactly, far beyond the range of
/// any real feature, so collapsing is a guard against pathological input rather than a normal state.
/// </para>
/// </remarks>
internal sealed class CollapsingLowestDenseStore
{
    // First allocation: enough for a range of γ^64 ≈ 3.6 at α = 1 %, 512 bytes.
    private const int InitialLength = 64;

    private long[] _counts = [];
    private int _offset;
    private int _minIndex;
    private int _maxIndex;
    private long _total;

    public CollapsingLowestDenseStore(int maxBins)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBins, 1);
        MaxBins = maxBins;
    }

    public int MaxBins { get; }

    public long Total => _total;

    public bool IsEmpty => _total == 0;

    /// <summary>Lowest occupied index; meaningful only when not empty.</summary>
    public int MinIndex => _minIndex;

    /// <summary>Highest occupied index; meaningful only when not empty.</summary>
    public int MaxIndex => _maxIndex;

    /// <summary>Length of the backing array, for memory accounting.</summary>
    public int AllocatedBins => _counts.Length;

    public long CountAt(int index) =>
        _total == 0 || index < _minIndex || index > _maxIndex ? 0 : _counts[index - _offset];

    /// <summary>Adds <paramref name="count"/> (positive) to bin <paramref name="index"/>, collapsing as needed.</summary>
    public void Add(int index, long count)
    {
        if (_total == 0)
        {
            EnsureCovers(index, index);
            _minIndex = _maxIndex = index;
        }
        else if (index < _minIndex)
        {
            // The window is anchored at the highest index: lower values land in its lowest bin.
            var lowestKept = _maxIndex - MaxBins + 1;
            if (index < lowestKept)
            {
                index = lowestKept;
            }

            if (index < _minIndex)
            {
                EnsureCovers(index, _maxIndex);
                _minIndex = index;
            }
        }
        else if (index > _maxIndex)
        {
            var lowestKept = index - MaxBins + 1;
            var collapsed = lowestKept > _minIndex ? TakeBinsBelow(lowestKept) : 0;
            EnsureCovers(_minIndex, index);
            _maxIndex = index;
            _counts[_minIndex - _offset] += collapsed;
        }

        _counts[index - _offset] += count;
        _total += count;
    }

    /// <summary>The index holding the item at 0-based <paramref name="rank"/>: the first bin whose
    /// cumulative count exceeds it, counting up from the lowest index (or down from the highest).</summary>
    public int IndexAtRank(double rank, bool fromHighest)
    {
        long cumulative = 0;
        if (fromHighest)
        {
            for (var index = _maxIndex; index > _minIndex; index--)
            {
                cumulative += _counts[index - _offset];
                if (cumulative > rank)
                {
                    return index;
                }
            }

            return _minIndex;
        }

        for (var index = _minIndex; index < _maxIndex; index++)
        {
            cumulative += _counts[index - _offset];
            if (cumulative > rank)
            {
                return index;
            }
        }

        return _maxIndex;
    }

    public void MergeFrom(CollapsingLowestDenseStore other)
    {
        if (other._total == 0)
        {
            return;
        }

        // Grow once for the union of both ranges rather than once per bin (when no collapsing is due).
        var low = _total == 0 ? other._minIndex : Math.Min(_minIndex, other._minIndex);
        var high = _total == 0 ? other._maxIndex : Math.Max(_maxIndex, other._maxIndex);
        if ((long)high - low < MaxBins)
        {
            EnsureCovers(low, high);
        }

        // Highest first, so the window settles at the final top before lower bins arrive. Reading a
        // bin before adding to it keeps a merge of a store with itself correct.
        for (var index = other._maxIndex; index >= other._minIndex; index--)
        {
            var count = other._counts[index - other._offset];
            if (count != 0)
            {
                Add(index, count);
            }
        }
    }

    public void Clear()
    {
        Array.Clear(_counts);
        _total = 0;
        _minIndex = _maxIndex = 0;
    }

    public CollapsingLowestDenseStore Copy()
    {
        var copy = new CollapsingLowestDenseStore(MaxBins)
        {
            _counts = (long[])_counts.Clone(),
            _offset = _offset,
            _minIndex = _minIndex,
            _maxIndex = _maxIndex,
            _total = _total,
        };
        return copy;
    }

    /// <summary>The occupied range as (index of the first count, counts); empty when the store is.</summary>
    public (int Offset, long[] Counts) ToArray()
    {
        if (_total == 0)
        {
            return (0, []);
        }

        return (_minIndex, _counts.AsSpan(_minIndex - _offset, _maxIndex - _minIndex + 1).ToArray());
    }

    // Zeroes every bin below lowestKept and returns their sum; the occupied range then starts at
    // lowestKept (which may lie outside the array until EnsureCovers runs).
    private long TakeBinsBelow(int lowestKept)
    {
        long collapsed = 0;
        var end = Math.Min(_maxIndex, lowestKept - 1);
        for (var index = _minIndex; index <= end; index++)
        {
            collapsed += _counts[index - _offset];
            _counts[index - _offset] = 0;
        }

        _minIndex = lowestKept;
        _maxIndex = Math.Max(_maxIndex, lowestKept);
        return collapsed;
    }

    // Makes the array cover [low, high] (at most MaxBins wide), keeping the occupied bins that lie
    // inside the current array.
    private void EnsureCovers(int low, int high)
    {
        if (low >= _offset && high < _offset + _counts.Length)
        {
            return;
        }

        var needed = high - low + 1;
        var target = _counts;
        if (needed > _counts.Length)
        {
            var length = Math.Max(_counts.Length * 2, InitialLength);
            while (length < needed)
            {
                length *= 2;
            }

            target = new long[Math.Min(length, MaxBins)];
        }

        var newOffset = low - ((target.Length - needed) / 2);

        var dataLow = Math.Max(_minIndex, _offset);
        var dataHigh = Math.Min(_maxIndex, _offset + _counts.Length - 1);
        var dataLength = _total == 0 ? 0 : Math.Max(0, dataHigh - dataLow + 1);
        var destination = dataLength == 0 ? 0 : dataLow - newOffset;
        if (dataLength != 0)
        {
            Array.Copy(_counts, dataLow - _offset, target, destination, dataLength);
        }

        if (ReferenceEquals(target, _counts))
        {
            // Shifted in place: clear what lies outside the moved range.
            Array.Clear(target, 0, destination);
            Array.Clear(target, destination + dataLength, target.Length - destination - dataLength);
        }

        _counts = target;
        _offset = newOffset;
    }
}
