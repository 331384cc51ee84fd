using System.Buffers.Binary;
using InferenceServer.Core.Tensors;

namespace InferenceServer.Core.Tests.Tensors;

public class BytesTensorTests
{
    private static byte[] Serialize(params string[] elements)
    {
        var bytes = new List<byte>();
        foreach (var element in elements)
        {
            var utf8 = System.Text.Encoding.UTF8.GetBytes(element);
            var prefix = new byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(prefix, (uint)utf8.Length);
            bytes.AddRange(prefix);
            bytes.AddRange(utf8);
        }

        return [.. bytes];
    }

    [Fact]
    public void TryCountElements_Empty_IsZero()
    {
        Assert.True(BytesTensor.TryCountElements([], out var count));
        Assert.Equal(0, count);
    }

    [Fact]
    public void TryCountElements_WellFormed_CountsIncludingEmptyElements()
    {
        var data = Serialize("hello", "", "wörld", "");

        Assert.True(BytesTensor.TryCountElements(data, out var count));
        Assert.Equal(4, count);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void TryCountElements_PartialPrefix_Fails(int prefixBytes)
    {
        var data = Serialize("ab").Concat(new byte[prefixBytes]).ToArray();

        Assert.False(BytesTensor.TryCountElements(data, out _));
    }

    [Fact]
    public void TryCountElements_LengthPastEnd_Fails()
    {
        var data = Serialize("abcdef")[..^1];

        Assert.False(BytesTensor.TryCountElements(data, out _));
    }

    [Fact]
    public void TryCountElements_LengthAboveInt32_FailsWithoutOverflow()
    {
        var data = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(data, uint.MaxValue);

        Assert.False(BytesTensor.TryCountElements(data, out _));
    }

    [Fact]
    public void WriteElement_ThenReadElement_RoundTripsInOrder()
    {
        var destination = new byte[64];
        var written = BytesTensor.WriteElement(destination, "abc"u8);
        written += BytesTensor.WriteElement(destination.AsSpan(written), ""u8);
        written += BytesTensor.WriteElement(destination.AsSpan(written), [0xFF, 0x00]);

        Assert.Equal(4 + 3 + 4 + 0 + 4 + 2, written);
        Assert.Equal(3u, BinaryPrimitives.ReadUInt32LittleEndian(destination));
        ReadOnlySpan<byte> data = destination.AsSpan(0, written);
        Assert.True(BytesTensor.TryCountElements(data, out var count));
        Assert.Equal(3, count);
        Assert.Equal("abc"u8.ToArray(), BytesTensor.ReadElement(ref data).ToArray());
        Assert.Empty(BytesTensor.ReadElement(ref data).ToArray());
        Assert.Equal(new byte[] { 0xFF, 0x00 }, BytesTensor.ReadElement(ref data).ToArray());
        Assert.True(data.IsEmpty);
    }

    [Fact]
    public void WriteElement_OneElement_MatchesTheWireLayout()
    {
        var destination = new byte[7];

        BytesTensor.WriteElement(destination, "xyz"u8);

        Assert.Equal(Serialize("xyz"), destination);
        Assert.Equal(4, BytesTensor.PrefixSize);
    }
}
