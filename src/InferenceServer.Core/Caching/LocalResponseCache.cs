namespace InferenceServer.Core.Caching;

/// <summary>
/// The in-process cache (<c>--cache-config local,size=BYTES</c>): least recently used entries go first once the byte budget
/// is reached. An entry is charged its encoded tensors, its key and <see cref="EntryOverheadBytes"/> for the objects that
/// hold it, so the budget bounds the memory the cache really holds. One lock: a lookup is a dictionary read and a move to
/// the front of the recency list, nothing allocated; a store allocates only its list node.
/// </summary>
public sealed class LocalResponseCache : IResponseCache
{
    /// <summary>
    /// What one entry costs beyond its bytes: the list node (48), the entry record (40), the dictionary slot (~40) and the
    /// array header (24), rounded up.
    /// </summary>
    public const int EntryOverheadBytes = 160;

    private readonly Lock _lock = new();
    private readonly Dictionary<UInt128, LinkedListNode<Entry>> _entries = [];
    private readonly LinkedList<Entry> _recency = new();
    private long _bytes;
    private long _evictions;

    public LocalResponseCache(long byteBudget)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(byteBudget);
        ByteBudget = byteBudget;
    }

    public string Kind => "local";

    /// <summary>The most bytes the entries may take (<c>size</c>).</summary>
    public long ByteBudget { get; }

    /// <summary>Bytes the entries take now, overhead included.</summary>
    public long Bytes
    {
        get
        {
            lock (_lock)
            {
                return _bytes;
            }
        }
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Entries dropped to make room.</summary>
    public long Evictions => Interlocked.Read(ref _evictions);

    /// <summary>What an entry of <paramref name="entryBytes"/> is charged against the budget.</summary>
    public static long ChargeOf(int entryBytes) => entryBytes + 16L + EntryOverheadBytes;

    public ValueTask<byte[]?> LookupAsync(UInt128 key)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(key, out var node))
            {
                return new ValueTask<byte[]?>((byte[]?)null);
            }

            _recency.Remove(node);
            _recency.AddFirst(node);
            return new ValueTask<byte[]?>(node.Value.Bytes);
        }
    }

    public void Store(UInt128 key, byte[] entry)
    {
        var charge = ChargeOf(entry.Length);
        if (charge > ByteBudget)
        {
            // Larger than the whole cache: keeping it would only flush everything else.
            return;
        }

        var node = new LinkedListNode<Entry>(new Entry(key, entry, charge));
        lock (_lock)
        {
            if (_entries.Remove(key, out var existing))
            {
                _recency.Remove(existing);
                _bytes -= existing.Value.Charge;
            }

            while (_bytes + charge > ByteBudget && _recency.Last is { } oldest)
            {
                _recency.RemoveLast();
                _entries.Remove(oldest.Value.Key);
                _bytes -= oldest.Value.Charge;
                Interlocked.Increment(ref _evictions);
            }

            _recency.AddFirst(node);
            _entries.Add(key, node);
            _bytes += charge;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _entries.Clear();
            _recency.Clear();
            _bytes = 0;
        }
    }

    private sealed record Entry(UInt128 Key, byte[] Bytes, long Charge);
}
