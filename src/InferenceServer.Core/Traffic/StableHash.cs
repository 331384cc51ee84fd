using System.Text;

namespace InferenceServer.Core.Traffic;

/// <summary>
/// 64-bit hashes fixed by this file, not by the runtime: unlike <see cref="HashCode"/> and string hashing,
/// which are seeded per process, the same input gives the same value in every process, on every machine and
/// in every release, so sticky routing survives restarts and agrees across replicas. Changing anything here
/// moves every sticky key: the golden values in the tests exist to catch that.
/// </summary>
internal static class StableHash
{
    private const ulong FnvOffsetBasis = 0xCBF29CE484222325;
    private const ulong FnvPrime = 0x00000100000001B3;

    /// <summary>The odd constant 2^64 / φ that SplitMix64 steps its state by.</summary>
    public const ulong GoldenGamma = 0x9E3779B97F4A7C15;

    /// <summary>
    /// FNV-1a 64 over the UTF-8 bytes, then <see cref="Mix64"/>. FNV-1a alone is stable and cheap for short keys
    /// but its high bits mix poorly; the finaliser spreads every input bit over the whole word.
    /// </summary>
    public static ulong Key(ReadOnlySpan<byte> utf8) => Mix64(Fnv1a(FnvOffsetBasis, utf8));

    /// <summary>
    /// Equal to <see cref="Key(ReadOnlySpan{byte})"/> of the UTF-8 encoding of <paramref name="key"/>, without
    /// encoding into a buffer. A lone surrogate hashes as U+FFFD, as <see cref="Encoding.UTF8"/> would encode it.
    /// </summary>
    public static ulong Key(ReadOnlySpan<char> key)
    {
        // Keys are usually ASCII, where a char is its own UTF-8 byte: hash those directly, runes from the first other.
        var hash = FnvOffsetBasis;
        var ascii = 0;
        for (; ascii < key.Length && char.IsAscii(key[ascii]); ascii++)
        {
            hash = (hash ^ key[ascii]) * FnvPrime;
        }

        Span<byte> utf8 = stackalloc byte[4];
        foreach (var rune in key[ascii..].EnumerateRunes())
        {
            var length = rune.EncodeToUtf8(utf8);
            hash = Fnv1a(hash, utf8[..length]);
        }

        return Mix64(hash);
    }

    public static ulong Fnv1a(ulong hash, ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * FnvPrime;
        }

        return hash;
    }

    /// <summary>
    /// SplitMix64's output function (Stafford's Mix13): a bijection on 64-bit words in which each input bit
    /// flips each output bit with probability close to 1/2.
    /// </summary>
    public static ulong Mix64(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
