using System.Text;
using InferenceServer.Core.Traffic;

namespace InferenceServer.Core.Tests.Traffic;

public class StableHashTests
{
    [Theory]
    // Published FNV-1a 64 test vectors.
    [InlineData("", 0xCBF29CE484222325)]
    [InlineData("a", 0xAF63DC4C8601EC8C)]
    [InlineData("foobar", 0x85944171F73967E8)]
    public void Fnv1a_KnownVectors_Match(string text, ulong expected)
    {
        Assert.Equal(expected, StableHash.Fnv1a(0xCBF29CE484222325, Encoding.UTF8.GetBytes(text)));
    }

    [Fact]
    public void Mix64_SplitMix64FirstOutputOfSeedZero_Matches()
    {
        // SplitMix64 seeded with 0 first steps its state by the golden gamma, then outputs Mix64 of it.
        Assert.Equal(0xE220A8397B1DCDAFUL, StableHash.Mix64(StableHash.GoldenGamma));
    }

    [Fact]
    public void Key_CharsAndTheirUtf8_HashEqual()
    {
        var random = new Random(11);
        for (var i = 0; i < 1000; i++)
        {
            var chars = new char[random.Next(0, 40)];
            for (var j = 0; j < chars.Length; j++)
            {
                // Mostly ASCII, some Cyrillic and CJK, and surrogate pairs, lone ones included.
                chars[j] = random.Next(6) switch
                {
                    0 => (char)random.Next(0x0400, 0x0500),
                    1 => (char)random.Next(0x4E00, 0x9FFF),
                    2 => (char)random.Next(0xD800, 0xE000),
                    _ => (char)random.Next(0x20, 0x7F),
                };
            }

            var key = new string(chars);
            Assert.Equal(StableHash.Key(Encoding.UTF8.GetBytes(key)), StableHash.Key(key.AsSpan()));
        }
    }
}
