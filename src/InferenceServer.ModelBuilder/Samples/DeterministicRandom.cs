namespace InferenceServer.ModelBuilder.Samples;

/// <summary>
/// SplitMix64: a tiny seeded generator whose sequence is fixed by its definition, unlike
/// <see cref="Random"/>, whose algorithm for a given seed is an implementation detail of the
/// runtime. Sample weights must come out byte-identical on every machine and .NET version.
/// </summary>
internal sealed class DeterministicRandom
{
    private ulong _state;

    public DeterministicRandom(ulong seed) => _state = seed;

    public ulong NextUInt64()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1) with 24 random bits, so every value is an exact float.</summary>
    public float NextSingle() => (NextUInt64() >> 40) * (1.0f / (1 << 24));

    /// <summary>Uniform in [-limit, limit).</summary>
    public float NextSymmetric(float limit) => ((2.0f * NextSingle()) - 1.0f) * limit;
}
