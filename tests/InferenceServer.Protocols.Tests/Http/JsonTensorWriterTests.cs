using System.Runtime.InteropServices;
using System.Text;
using InferenceServer.Core.Tensors;
using InferenceServer.Protocols.Http;

namespace InferenceServer.Protocols.Tests.Http;

public class JsonTensorWriterTests
{
    /// <summary>Writes through the pooled response writer the server uses, so escaping matches production.</summary>
    private static string Write(DataType type, byte[] data)
    {
        var json = new JsonResponseBuffer();
        JsonTensorWriter.WriteData(json.Writer, type, data);
        json.Writer.Flush();
        return Encoding.UTF8.GetString(json.Written.Span);
    }

    private static byte[] Bytes<T>(params T[] values)
        where T : unmanaged => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    private static byte[] Strings(params byte[][] elements)
    {
        var data = new byte[elements.Sum(e => BytesTensor.PrefixSize + e.Length)];
        var span = data.AsSpan();
        foreach (var element in elements)
        {
            span = span[BytesTensor.WriteElement(span, element)..];
        }

        return data;
    }

    [Fact]
    public void WriteData_Fp32NonFinite_WritesPythonJsonTokens()
    {
        Assert.Equal("[NaN,Infinity,-Infinity,1.5,-0]", Write(DataType.Fp32, Bytes(float.NaN, float.PositiveInfinity, float.NegativeInfinity, 1.5f, -0f)));
    }

    [Fact]
    public void WriteData_Fp64NonFinite_WritesPythonJsonTokens()
    {
        Assert.Equal("[NaN,Infinity,-Infinity,0.1]", Write(DataType.Fp64, Bytes(double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0.1)));
    }

    [Fact]
    public void WriteData_Fp32_WritesShortestRoundTrip()
    {
        Assert.Equal("[0.1,3.4028235E+38,1E-45]", Write(DataType.Fp32, Bytes(0.1f, float.MaxValue, float.Epsilon)));
    }

    [Fact]
    public void WriteData_Fp16_WritesNumbers()
    {
        Assert.Equal("[1.5,-2,65504,0.0999755859375,NaN,-Infinity]",
            Write(DataType.Fp16, Bytes((Half)1.5f, (Half)(-2f), Half.MaxValue, (Half)0.1f, Half.NaN, Half.NegativeInfinity)));
    }

    [Fact]
    public void WriteData_Bf16_WritesNumbersFromUpperFloatBits()
    {
        static ushort Bf16(float value) => (ushort)(BitConverter.SingleToInt32Bits(value) >> 16);

        Assert.Equal("[1.5,-2,0.099609375,Infinity,NaN]",
            Write(DataType.Bf16, Bytes(Bf16(1.5f), Bf16(-2f), Bf16(0.1f), Bf16(float.PositiveInfinity), Bf16(float.NaN))));
    }

    [Fact]
    public void WriteData_IntegerTypes_WriteFullRange()
    {
        Assert.Equal("[-128,127]", Write(DataType.Int8, Bytes<sbyte>(-128, 127)));
        Assert.Equal("[0,255]", Write(DataType.UInt8, [0, 255]));
        Assert.Equal("[-32768,32767]", Write(DataType.Int16, Bytes<short>(-32768, 32767)));
        Assert.Equal("[0,65535]", Write(DataType.UInt16, Bytes<ushort>(0, 65535)));
        Assert.Equal("[-2147483648,2147483647]", Write(DataType.Int32, Bytes(int.MinValue, int.MaxValue)));
        Assert.Equal("[4294967295]", Write(DataType.UInt32, Bytes(uint.MaxValue)));
        Assert.Equal("[-9223372036854775808]", Write(DataType.Int64, Bytes(long.MinValue)));
        Assert.Equal("[18446744073709551615]", Write(DataType.UInt64, Bytes(ulong.MaxValue)));
    }

    [Fact]
    public void WriteData_Bool_WritesTrueFalse()
    {
        Assert.Equal("[true,false,true]", Write(DataType.Bool, [1, 0, 2]));
    }

    [Fact]
    public void WriteData_BytesValidUtf8_WritesStringsUnescapedWhereSafe()
    {
        Assert.Equal("[\"héllo\",\"\",\"a\\\"b\\\\c\\n\"]", Write(DataType.Bytes, Strings("héllo"u8.ToArray(), [], "a\"b\\c\n"u8.ToArray())));
    }

    [Fact]
    public void WriteData_BytesInvalidUtf8_WritesReplacementCharactersAsValidJson()
    {
        var json = Write(DataType.Bytes, Strings([0x61, 0xFF, 0x62], [0xC3]));

        Assert.Equal("[\"a\uFFFDb\",\"\uFFFD\"]", json);
        using var document = System.Text.Json.JsonDocument.Parse(json);
        Assert.Equal("a\uFFFDb", document.RootElement[0].GetString());
    }

    [Fact]
    public void WriteData_Empty_WritesEmptyArray()
    {
        Assert.Equal("[]", Write(DataType.Fp32, []));
        Assert.Equal("[]", Write(DataType.Bytes, []));
    }
}
