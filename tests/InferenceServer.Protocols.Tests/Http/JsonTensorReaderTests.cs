using System.Runtime.InteropServices;
using System.Text;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Memory;
using InferenceServer.Core.Tensors;
using InferenceServer.Protocols.Http;

namespace InferenceServer.Protocols.Tests.Http;

public sealed class JsonTensorReaderTests : IDisposable
{
    private const int MaxDepth = 100;
    private readonly PinnedBufferPool _pool = new(debug: true);

    public void Dispose()
    {
        Assert.Equal(0, _pool.OutstandingCount);
        _pool.Dispose();
    }

    private InferenceError Read(string json, DataType type, long count, out byte[] bytes)
    {
        var expectedBytes = type == DataType.Bytes ? -1 : count * type.ElementSize();
        var error = JsonTensorReader.Read(Encoding.UTF8.GetBytes(json), Encoding.UTF8.GetBytes(json), "T", type, count, expectedBytes, _pool, MaxDepth, out var buffer);
        Assert.Equal(error.IsError, buffer is null);
        bytes = buffer?.Span.ToArray() ?? [];
        buffer?.Dispose();
        return error;
    }

    private byte[] ReadOk(string json, DataType type, long count)
    {
        var error = Read(json, type, count, out var bytes);
        Assert.False(error.IsError, error.Message);
        return bytes;
    }

    private static byte[] Bytes<T>(params T[] values)
        where T : unmanaged => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    private void AssertRejected(string json, DataType type, long count, params string[] fragments)
    {
        var error = Read(json, type, count, out _);
        Assert.Equal(InferenceErrorCode.InvalidArgument, error.Code);
        Assert.Contains("input 'T'", error.Message, StringComparison.Ordinal);
        foreach (var fragment in fragments)
        {
            Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Read_IntegerTypesAtTheirLimits_WritesLittleEndianValues()
    {
        Assert.Equal(Bytes<sbyte>(-128, 0, 127), ReadOk("[-128,0,127]", DataType.Int8, 3));
        Assert.Equal(Bytes<byte>(0, 255), ReadOk("[0,255]", DataType.UInt8, 2));
        Assert.Equal(Bytes<short>(-32768, 32767), ReadOk("[-32768,32767]", DataType.Int16, 2));
        Assert.Equal(Bytes<ushort>(0, 65535), ReadOk("[0,65535]", DataType.UInt16, 2));
        Assert.Equal(Bytes(int.MinValue, int.MaxValue), ReadOk("[-2147483648,2147483647]", DataType.Int32, 2));
        Assert.Equal(Bytes(0u, uint.MaxValue), ReadOk("[0,4294967295]", DataType.UInt32, 2));
        Assert.Equal(Bytes(long.MinValue, long.MaxValue), ReadOk("[-9223372036854775808,9223372036854775807]", DataType.Int64, 2));
        Assert.Equal(Bytes(0ul, ulong.MaxValue), ReadOk("[0,18446744073709551615]", DataType.UInt64, 2));
    }

    [Theory]
    [InlineData(DataType.Int8, "-129")]
    [InlineData(DataType.Int8, "128")]
    [InlineData(DataType.UInt8, "-1")]
    [InlineData(DataType.UInt8, "256")]
    [InlineData(DataType.Int16, "-32769")]
    [InlineData(DataType.Int16, "32768")]
    [InlineData(DataType.UInt16, "65536")]
    [InlineData(DataType.Int32, "2147483648")]
    [InlineData(DataType.Int32, "-2147483649")]
    [InlineData(DataType.UInt32, "4294967296")]
    [InlineData(DataType.UInt32, "-1")]
    [InlineData(DataType.Int64, "9223372036854775808")]
    [InlineData(DataType.UInt64, "18446744073709551616")]
    [InlineData(DataType.UInt64, "-1")]
    [InlineData(DataType.Int32, "1.5")]
    [InlineData(DataType.Int64, "1e3")]
    [InlineData(DataType.Int32, "\"1\"")]
    [InlineData(DataType.Int32, "true")]
    [InlineData(DataType.Int32, "null")]
    [InlineData(DataType.Fp32, "\"NaN\"")]
    [InlineData(DataType.Fp64, "false")]
    [InlineData(DataType.Int32, "{}")]
    public void Read_ValueOutOfRangeOrWrongKind_RejectedNamingInputTypeAndElement(DataType type, string value)
    {
        AssertRejected($"[0,{value}]", type, 2, type.ToProtocolString(), "element 1");
    }

    [Fact]
    public void Read_FloatingPointTypes_ParseNumbers()
    {
        Assert.Equal(Bytes(1.5f, -0.1f, 1e-45f, 3.4028235e38f), ReadOk("[1.5,-0.1,1e-45,3.4028235e38]", DataType.Fp32, 4));
        Assert.Equal(Bytes(1.5, -0.1, double.Epsilon, double.MaxValue, 2.0), ReadOk("[1.5,-0.1,5e-324,1.7976931348623157e308,2]", DataType.Fp64, 5));
    }

    [Fact]
    public void Read_Bool_TakesTrueAndFalseOnly()
    {
        Assert.Equal(new byte[] { 1, 0, 1 }, ReadOk("[true,false,true]", DataType.Bool, 3));
        AssertRejected("[true,1]", DataType.Bool, 2, "BOOL", "element 1");
        AssertRejected("[\"true\"]", DataType.Bool, 1, "BOOL", "element 0");
    }

    [Fact]
    public void Read_NestedArrays_ReadInRowMajorOrder()
    {
        Assert.Equal(Bytes(1, 2, 3, 4, 5, 6), ReadOk("[[1,2,3],[4,5,6]]", DataType.Int32, 6));
        Assert.Equal(Bytes(1, 2, 3, 4), ReadOk("[[[1],[2]],[[3],[4]]]", DataType.Int32, 4));
    }

    [Theory]
    [InlineData(DataType.Int32)]
    [InlineData(DataType.Bool)]
    [InlineData(DataType.Bytes)]
    public void Read_TooManyValues_RejectedNamingExpectedCount(DataType type)
    {
        var value = type switch { DataType.Bool => "true", DataType.Bytes => "\"a\"", _ => "1" };

        AssertRejected($"[{value},{value},{value}]", type, 2, "more data values than its shape's 2 elements");
    }

    [Theory]
    [InlineData(DataType.Fp32)]
    [InlineData(DataType.Bytes)]
    public void Read_TooFewValues_RejectedNamingBothCounts(DataType type)
    {
        var value = type == DataType.Bytes ? "\"a\"" : "1";

        AssertRejected($"[[{value}],[]]", type, 3, "has 1 data values but its shape has 3 elements");
    }

    [Fact]
    public void Read_EmptyTensor_GivesEmptyBuffer()
    {
        Assert.Empty(ReadOk("[]", DataType.Fp32, 0));
        Assert.Empty(ReadOk("[]", DataType.Bytes, 0));
    }

    [Fact]
    public void Read_Fp16_RoundsToNearestHalf()
    {
        Assert.Equal(Bytes((Half)1.5, (Half)(-2), (Half)0.1, Half.PositiveInfinity), ReadOk("[1.5,-2,0.1,1e10]", DataType.Fp16, 4));
    }

    [Fact]
    public void Read_Bf16_RoundsTheFloatToNearestEven()
    {
        // 1 + 2^-8 is halfway between two bfloat16 values and rounds to the even one (1.0); 1 + 3·2^-8 rounds up.
        var halfway = 1 + MathF.Pow(2, -8);
        var above = 1 + (3 * MathF.Pow(2, -8));
        var json = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"[1.5,-2,{halfway:R},{above:R}]");

        var bits = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ushort>(ReadOk(json, DataType.Bf16, 4)).ToArray();

        Assert.Equal([(ushort)0x3FC0, (ushort)0xC000, (ushort)0x3F80, (ushort)0x3F82], bits);
    }

    [Fact]
    public void Read_BytesWithEscapes_UnescapesIntoLengthPrefixedElements()
    {
        var bytes = ReadOk("""["plain","q\"b\\s\/","\u00e9\n","\ud83d\ude00",""]""", DataType.Bytes, 5);

        ReadOnlySpan<byte> data = bytes;
        Assert.Equal("plain", Encoding.UTF8.GetString(BytesTensor.ReadElement(ref data)));
        Assert.Equal("q\"b\\s/", Encoding.UTF8.GetString(BytesTensor.ReadElement(ref data)));
        Assert.Equal("é\n", Encoding.UTF8.GetString(BytesTensor.ReadElement(ref data)));
        Assert.Equal("😀", Encoding.UTF8.GetString(BytesTensor.ReadElement(ref data)));
        Assert.Equal(0, BytesTensor.ReadElement(ref data).Length);
        Assert.True(data.IsEmpty);
    }

    [Fact]
    public void Read_BytesRawUtf8_KeptByteForByte()
    {
        var bytes = ReadOk("[[\"héllo\"],[\"日本\"]]", DataType.Bytes, 2);

        Assert.Equal(4 + 6 + 4 + 6, bytes.Length);
        ReadOnlySpan<byte> data = bytes;
        Assert.Equal("héllo"u8.ToArray(), BytesTensor.ReadElement(ref data).ToArray());
        Assert.Equal("日本"u8.ToArray(), BytesTensor.ReadElement(ref data).ToArray());
    }

    [Theory]
    [InlineData("[\"a\",1]", "element 1")]
    [InlineData("[null]", "element 0")]
    [InlineData("[[\"a\"],{}]", "element 1")]
    public void Read_BytesNonStringValue_RejectedNamingElement(string json, string element)
    {
        AssertRejected(json, DataType.Bytes, 2, "BYTES", "JSON strings", element);
    }

    // Found by fuzzing: the second pass threw on text the first pass had counted, and the buffer it had
    // rented was never returned, so each such request leaked a pinned buffer.
    [Theory]
    [InlineData(new byte[] { (byte)'[', (byte)'"', (byte)'a', (byte)'"', (byte)',', (byte)'"', (byte)'1', 0xB0, (byte)'"', (byte)']' }, 2, "element 1")]
    [InlineData(new byte[] { (byte)'[', (byte)'"', 0xFF, (byte)'"', (byte)']' }, 1, "element 0")]
    public void Read_BytesNotValidUtf8_RejectedNamingElementAndBufferReturned(byte[] json, long count, string element)
    {
        var error = JsonTensorReader.Read(json, json, "T", DataType.Bytes, count, -1, _pool, MaxDepth, out var buffer);

        Assert.Equal(InferenceErrorCode.InvalidArgument, error.Code);
        Assert.Contains("input 'T'", error.Message, StringComparison.Ordinal);
        Assert.Contains(element, error.Message, StringComparison.Ordinal);
        Assert.Contains("UTF-8", error.Message, StringComparison.Ordinal);
        Assert.Null(buffer);
        Assert.Equal(0, _pool.OutstandingCount);
    }

    [Fact]
    public void Read_BytesEscapedLoneSurrogate_RejectedAndBufferReturned()
    {
        AssertRejected("""["ok","\ud800"]""", DataType.Bytes, 2, "element 1", "UTF-8");
        Assert.Equal(0, _pool.OutstandingCount);
    }

    // Found by fuzzing: the buffer was sized from the declared shape before any value was read, so a
    // 60-byte body declaring [8, 33554431] FP64 elements made the server reserve 2 GiB.
    [Theory]
    [InlineData(DataType.Fp64, 268_435_455L)]
    [InlineData(DataType.Int8, 100_000L)]
    [InlineData(DataType.Fp32, 5L)]
    public void Read_ShapeLargerThanTheDataCouldHold_RejectedWithoutRentingABuffer(DataType type, long count)
    {
        AssertRejected("[1,2,3]", type, count, $"has 3 data values but its shape has {count} elements");

        Assert.Equal(0, _pool.AllocatedBytes);
        Assert.Equal(0, _pool.FallbackBytes);
    }
}
