using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace InferenceServer.Core.Telemetry.Sketches;

/// <summary>
/// A Misra–Gries frequent-items sketch: at most <see cref="Capacity"/> counters of category → count, for the
/// categorical features drift compares by category shares. Bounded memory whatever the stream's cardinality.
/// </summary>
/// <remarks>
/// <para>
/// Error: every count is an underestimate by at most N / (k + 1), N being <see cref="Total"/> and k the counters
/// (with the default 100, under 1 % of N). A new category arriving while all k counters are taken lowers each
/// counter by one and is itself dropped: k + 1 units leave the sketch per such step, so there are at most
/// N / (k + 1) of them. While a stream holds at most k distinct categories no step happens and the counts are
/// exact (<see cref="IsExact"/>). Merging (Agarwal et al., "Mergeable Summaries", 2012) adds the counters and,
/// when more than k remain, lowers all by the (k + 1)-th largest count: the bound holds for the merged total.
/// </para>
/// <para>
/// Categories are 64-bit keys: an integer or boolean feature's value itself, or a text (BYTES) feature's FNV-1a
/// hash of its UTF-8 bytes (<see cref="TextKey"/>), whose text is kept beside the counter for reports and
/// reference files. Two texts share a key with a chance of about n² / 2⁶⁵ for n distinct texts.
/// Not thread-safe; merge per-stripe instances.
/// </para>
/// </remarks>
public sealed class FrequentItems
{
    /// <summary>Counters per sketch: counts within 1 % of the total, about 4 KB per feature.</summary>
    public const int DefaultCapacity = 100;

    private readonly Dictionary<long, long> _counts;
    private Dictionary<long, string>? _texts;

    public FrequentItems(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        _counts = new Dictionary<long, long>(capacity + 1);
    }

    /// <summary>The counters kept (k).</summary>
    public int Capacity { get; }

    /// <summary>Every value added (N), counted or not.</summary>
    public long Total { get; private set; }

    /// <summary>Categories held now.</summary>
    public int Distinct => _counts.Count;

    public bool IsEmpty => Total == 0;

    /// <summary>Whether the categories are texts (BYTES) rather than integers.</summary>
    public bool IsText => _texts is not null;

    /// <summary>Total minus the counts held: what the decrements dropped (0 while <see cref="IsExact"/>).</summary>
    public long Untracked
    {
        get
        {
            var held = 0L;
            foreach (var count in _counts.Values)
            {
                held += count;
            }

            return Total - held;
        }
    }

    /// <summary>No count was ever lowered: every count is exact.</summary>
    public bool IsExact => Untracked == 0;

    /// <summary>Upper bound of any count's error: N / (k + 1).</summary>
    public double ErrorBound => (double)Total / (Capacity + 1);

    /// <summary>The held categories and their (under-)estimated counts.</summary>
    public IEnumerable<KeyValuePair<long, long>> Counts => _counts;

    /// <summary>The estimated count of <paramref name="key"/> (0 when not held).</summary>
    public long Count(long key) => _counts.GetValueOrDefault(key);

    public bool Contains(long key) => _counts.ContainsKey(key);

    /// <summary>The category's text: its string for a text feature, else the integer in invariant digits.</summary>
    public string Label(long key) =>
        _texts is not null && _texts.TryGetValue(key, out var text) ? text : key.ToString(CultureInfo.InvariantCulture);

    /// <summary>Counts an integer (or boolean) category.</summary>
    public void Add(long key)
    {
        Total++;
        ref var count = ref CollectionsMarshal.GetValueRefOrNullRef(_counts, key);
        if (!System.Runtime.CompilerServices.Unsafe.IsNullRef(ref count))
        {
            count++;
        }
        else if (_counts.Count < Capacity)
        {
            _counts.Add(key, 1);
        }
        else
        {
            Decrement();
        }
    }

    /// <summary>Counts a text category given as UTF-8 (allocates its string only when it becomes a new counter).</summary>
    public void AddText(ReadOnlySpan<byte> utf8)
    {
        var texts = _texts ??= new Dictionary<long, string>(Capacity + 1);
        var key = TextKey(utf8);
        Total++;
        ref var count = ref CollectionsMarshal.GetValueRefOrNullRef(_counts, key);
        if (!System.Runtime.CompilerServices.Unsafe.IsNullRef(ref count))
        {
            count++;
        }
        else if (_counts.Count < Capacity)
        {
            _counts.Add(key, 1);
            texts[key] = Encoding.UTF8.GetString(utf8);
        }
        else
        {
            Decrement();
        }
    }

    /// <summary>FNV-1a (64-bit) of the UTF-8 bytes: a text category's key, the same in every process.</summary>
    public static long TextKey(ReadOnlySpan<byte> utf8)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in utf8)
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return unchecked((long)hash);
    }

    /// <summary>Adds <paramref name="other"/>'s counts; the error bound then holds for the combined total.</summary>
    public void Merge(FrequentItems other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.IsEmpty)
        {
            return;
        }

        if (other._texts is not null)
        {
            _texts ??= new Dictionary<long, string>(Capacity + 1);
        }

        Total += other.Total;
        foreach (var (key, count) in other._counts)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(_counts, key, out _) += count;
            if (other._texts is not null && other._texts.TryGetValue(key, out var text))
            {
                _texts![key] = text;
            }
        }

        if (_counts.Count > Capacity)
        {
            var counts = _counts.Values.ToArray();
            Array.Sort(counts);
            Array.Reverse(counts);
            Subtract(counts[Capacity]);
        }
    }

    public void Clear()
    {
        Total = 0;
        _counts.Clear();
        _texts?.Clear();
    }

    public FrequentItems Copy()
    {
        var copy = new FrequentItems(Capacity);
        copy.Merge(this);
        return copy;
    }

    /// <summary>The serialisable form (reference files).</summary>
    public FrequentItemsSnapshot ToSnapshot() => new()
    {
        Counters = Capacity,
        Total = Total,
        Text = IsText,
        Items = [.. _counts.OrderByDescending(c => c.Value).Select(c => new FrequentItemsSnapshot.Item { Value = Label(c.Key), Count = c.Value })],
    };

    /// <exception cref="ArgumentException">Counts that cannot come from a sketch of this kind, with the reason.</exception>
    public static FrequentItems FromSnapshot(FrequentItemsSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (snapshot.Counters < 1 || snapshot.Items.Count > snapshot.Counters || snapshot.Total < 0)
        {
            throw new ArgumentException($"categories: {snapshot.Items.Count} items for {snapshot.Counters} counters and total {snapshot.Total}");
        }

        var sketch = new FrequentItems(snapshot.Counters);
        if (snapshot.Text)
        {
            sketch._texts = new Dictionary<long, string>(snapshot.Counters + 1);
        }

        var held = 0L;
        foreach (var item in snapshot.Items)
        {
            var key = snapshot.Text
                ? TextKey(Encoding.UTF8.GetBytes(item.Value))
                : long.TryParse(item.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer) ? integer
                : throw new ArgumentException($"categories: '{item.Value}' is not an integer");
            if (item.Count < 1 || !sketch._counts.TryAdd(key, item.Count))
            {
                throw new ArgumentException($"categories: '{item.Value}' is repeated or has a count under 1");
            }

            sketch._texts?.Add(key, item.Value);
            held += item.Count;
        }

        sketch.Total = held <= snapshot.Total ? snapshot.Total : throw new ArgumentException($"categories: counts add up to {held}, over the total {snapshot.Total}");
        return sketch;
    }

    // Every counter down by one, emptied ones dropped: the new category (not added) and the k counters are the
    // k + 1 units this step removes.
    private void Decrement() => Subtract(1);

    private void Subtract(long amount)
    {
        foreach (var key in _counts.Keys)
        {
            ref var count = ref CollectionsMarshal.GetValueRefOrNullRef(_counts, key);
            count -= amount;
            if (count <= 0)
            {
                // Removing during enumeration is allowed for Dictionary (it does not invalidate the enumerator).
                _counts.Remove(key);
                _texts?.Remove(key);
            }
        }
    }
}
