namespace InferenceServer.Core.Traffic;

/// <summary>
/// Picks the version for one request from canary weights. Built once per policy and shared: it is immutable,
/// so the request path calls it without locks, and neither <c>Route</c> allocates.
/// <para>
/// Sticky requests (<see cref="Route(ulong)"/>) use weighted rendezvous hashing: each version v scores
/// −w_v / ln(U_v) with U_v a uniform in (0, 1) derived from the key and v, and the highest score wins. A version
/// then wins a share w_v / Σw of keys (−ln(U)/w is exponential with rate w, and the smallest of independent
/// exponentials falls to each with probability proportional to its rate). A key's scores depend only on the key
/// and its own weights, so raising one weight and lowering others only moves keys onto the raised version:
/// 90/10 → 80/20 moves about 10 % of keys, all from the first version to the second, the fewest possible.
/// Everything is derived from <see cref="StableHash"/>, so a key routes the same in every process.
/// </para>
/// <para>
/// Keyless requests (<see cref="Route(double)"/>) pick by cumulative weight from a uniform the caller draws.
/// </para>
/// </summary>
public sealed class WeightedRendezvousRouter
{
    // Only versions with a weight above 0, ascending; a version of weight 0 is simply absent.
    private readonly long[] _versions;
    private readonly double[] _weights;
    private readonly ulong[] _seeds;
    private readonly long[] _cumulative;

    /// <exception cref="ArgumentException">No weight above 0, a negative weight, or a version weighted twice.</exception>
    public WeightedRendezvousRouter(IEnumerable<VersionWeight> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var positive = new List<VersionWeight>();
        var seen = new HashSet<long>();
        foreach (var weight in weights)
        {
            if (weight.Weight < 0 || !seen.Add(weight.Version))
            {
                throw new ArgumentException($"version {weight.Version}: weights are non-negative and given once per version", nameof(weights));
            }

            if (weight.Weight > 0)
            {
                positive.Add(weight);
            }
        }

        if (positive.Count == 0)
        {
            throw new ArgumentException("at least one version needs a weight above 0", nameof(weights));
        }

        positive.Sort(static (a, b) => a.Version.CompareTo(b.Version));
        _versions = new long[positive.Count];
        _weights = new double[positive.Count];
        _seeds = new ulong[positive.Count];
        _cumulative = new long[positive.Count];
        long total = 0;
        for (var i = 0; i < positive.Count; i++)
        {
            _versions[i] = positive[i].Version;
            _weights[i] = positive[i].Weight;
            // Mixed once here so the per-request hash of (key, version) is a single Mix64.
            _seeds[i] = StableHash.Mix64((ulong)positive[i].Version * StableHash.GoldenGamma);
            total += positive[i].Weight;
            _cumulative[i] = total;
        }

        TotalWeight = total;
    }

    /// <summary>The sum of the weights.</summary>
    public long TotalWeight { get; }

    /// <summary>
    /// A stable 64-bit hash of a routing key for <see cref="Route(ulong)"/>: FNV-1a 64 over the key's UTF-8
    /// bytes, then the SplitMix64 finaliser. The algorithm is fixed, so the value is the same in every process,
    /// on every machine and in every release (unlike <see cref="string.GetHashCode()"/>), and equal to
    /// <see cref="HashKey(ReadOnlySpan{byte})"/> of the key's UTF-8 bytes.
    /// </summary>
    public static ulong HashKey(ReadOnlySpan<char> key) => StableHash.Key(key);

    /// <summary>The hash of a key given as UTF-8 bytes (such as a header value), without decoding it.</summary>
    public static ulong HashKey(ReadOnlySpan<byte> utf8Key) => StableHash.Key(utf8Key);

    /// <summary>The sticky version for a key hashed by <see cref="HashKey(ReadOnlySpan{char})"/>.</summary>
    public long Route(ulong keyHash)
    {
        var best = 0;
        var bestScore = double.NegativeInfinity;
        for (var i = 0; i < _versions.Length; i++)
        {
            var hash = StableHash.Mix64(keyHash ^ _seeds[i]);
            // The top 53 bits, centred in their interval: a uniform strictly inside (0, 1), so ln(u) < 0.
            var u = ((hash >> 11) + 0.5) * (1.0 / (1UL << 53));
            var score = -_weights[i] / Math.Log(u);
            if (score > bestScore)
            {
                best = i;
                bestScore = score;
            }
        }

        return _versions[best];
    }

    /// <summary>
    /// The version for a keyless request: the first whose cumulative weight exceeds
    /// <paramref name="uniform"/> · <see cref="TotalWeight"/>. <paramref name="uniform"/> is in [0, 1) (such as
    /// <see cref="Random.NextDouble"/>); a value outside is clamped rather than thrown on, since this runs on the
    /// request path.
    /// </summary>
    public long Route(double uniform)
    {
        var target = uniform * TotalWeight;
        var cumulative = _cumulative;
        for (var i = 0; i < cumulative.Length; i++)
        {
            // Negative and NaN targets land on the first version (NaN < x is false, so test the negation).
            if (!(target >= cumulative[i]))
            {
                return _versions[i];
            }
        }

        return _versions[^1];
    }
}
