using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Inference;
using OnnxType = InferenceServer.ModelBuilder.Onnx.TensorProto.Types.DataType;

namespace InferenceServer.FunctionalTests.Infrastructure;

/// <summary>
/// One datatype's round-trip case: the identity model serving it, a [2,3] tensor as little-endian wire
/// bytes (the single source of truth), and conversions of those bytes to JSON <c>data</c> and to gRPC typed
/// contents and back, so every protocol form is checked against the same bytes.
/// </summary>
internal sealed class TensorCase(string datatype, OnnxType onnxType, byte[] raw)
{
    public static readonly long[] Shape = [2, 3];

    public string Datatype { get; } = datatype;

    public OnnxType OnnxType { get; } = onnxType;

    /// <summary>The auto-completed identity model in the shared repository (no config.pbtxt).</summary>
    public string ModelName => IdentityModelName(Datatype);

    public byte[] Raw { get; } = raw;

    /// <summary>FP16 and BF16 have no JSON form (and no typed gRPC field).</summary>
    public bool HasJsonForm => Datatype is not ("FP16" or "BF16");

    public static string IdentityModelName(string datatype) => "identity_" + datatype.ToLowerInvariant();

    public JsonArray ToJson()
    {
        var array = new JsonArray();
        var raw = Raw.AsSpan();
        switch (Datatype)
        {
            case "BOOL": foreach (var v in raw) { array.Add(v != 0); } break;
            case "UINT8": foreach (var v in raw) { array.Add(v); } break;
            case "INT8": foreach (var v in MemoryMarshal.Cast<byte, sbyte>(raw)) { array.Add(v); } break;
            case "UINT16": foreach (var v in MemoryMarshal.Cast<byte, ushort>(raw)) { array.Add(v); } break;
            case "INT16": foreach (var v in MemoryMarshal.Cast<byte, short>(raw)) { array.Add(v); } break;
            case "UINT32": foreach (var v in MemoryMarshal.Cast<byte, uint>(raw)) { array.Add(v); } break;
            case "INT32": foreach (var v in MemoryMarshal.Cast<byte, int>(raw)) { array.Add(v); } break;
            case "UINT64": foreach (var v in MemoryMarshal.Cast<byte, ulong>(raw)) { array.Add(v); } break;
            case "INT64": foreach (var v in MemoryMarshal.Cast<byte, long>(raw)) { array.Add(v); } break;
            case "FP32": foreach (var v in MemoryMarshal.Cast<byte, float>(raw)) { array.Add(v); } break;
            case "FP64": foreach (var v in MemoryMarshal.Cast<byte, double>(raw)) { array.Add(v); } break;
            case "BYTES": foreach (var v in SplitBytes(raw)) { array.Add(Encoding.UTF8.GetString(v)); } break;
            default: throw new InvalidOperationException($"{Datatype} has no JSON form");
        }

        return array;
    }

    /// <summary>Reads a response's flat JSON <c>data</c> back into wire bytes.</summary>
    public byte[] FromJson(JsonArray data)
    {
        var values = data.Select(v => v!).ToArray();
        return Datatype switch
        {
            "BOOL" => values.Select(v => v.GetValue<bool>() ? (byte)1 : (byte)0).ToArray(),
            "UINT8" => values.Select(v => v.GetValue<byte>()).ToArray(),
            "INT8" => Pack(values.Select(v => v.GetValue<sbyte>()).ToArray()),
            "UINT16" => Pack(values.Select(v => v.GetValue<ushort>()).ToArray()),
            "INT16" => Pack(values.Select(v => v.GetValue<short>()).ToArray()),
            "UINT32" => Pack(values.Select(v => v.GetValue<uint>()).ToArray()),
            "INT32" => Pack(values.Select(v => v.GetValue<int>()).ToArray()),
            "UINT64" => Pack(values.Select(v => v.GetValue<ulong>()).ToArray()),
            "INT64" => Pack(values.Select(v => v.GetValue<long>()).ToArray()),
            "FP32" => Pack(values.Select(v => v.GetValue<float>()).ToArray()),
            "FP64" => Pack(values.Select(v => v.GetValue<double>()).ToArray()),
            "BYTES" => LengthPrefixed(values.Select(v => Encoding.UTF8.GetBytes(v.GetValue<string>())).ToArray()),
            _ => throw new InvalidOperationException($"{Datatype} has no JSON form"),
        };
    }

    /// <summary>The gRPC typed form (InferTensorContents); null for FP16/BF16, which have none.</summary>
    public InferTensorContents? ToContents()
    {
        var contents = new InferTensorContents();
        var raw = Raw.AsSpan();
        switch (Datatype)
        {
            case "BOOL": foreach (var v in raw) { contents.BoolContents.Add(v != 0); } break;
            case "UINT8": foreach (var v in raw) { contents.UintContents.Add(v); } break;
            case "INT8": foreach (var v in MemoryMarshal.Cast<byte, sbyte>(raw)) { contents.IntContents.Add(v); } break;
            case "UINT16": foreach (var v in MemoryMarshal.Cast<byte, ushort>(raw)) { contents.UintContents.Add(v); } break;
            case "INT16": foreach (var v in MemoryMarshal.Cast<byte, short>(raw)) { contents.IntContents.Add(v); } break;
            case "UINT32": foreach (var v in MemoryMarshal.Cast<byte, uint>(raw)) { contents.UintContents.Add(v); } break;
            case "INT32": foreach (var v in MemoryMarshal.Cast<byte, int>(raw)) { contents.IntContents.Add(v); } break;
            case "UINT64": foreach (var v in MemoryMarshal.Cast<byte, ulong>(raw)) { contents.Uint64Contents.Add(v); } break;
            case "INT64": foreach (var v in MemoryMarshal.Cast<byte, long>(raw)) { contents.Int64Contents.Add(v); } break;
            case "FP32": foreach (var v in MemoryMarshal.Cast<byte, float>(raw)) { contents.Fp32Contents.Add(v); } break;
            case "FP64": foreach (var v in MemoryMarshal.Cast<byte, double>(raw)) { contents.Fp64Contents.Add(v); } break;
            case "BYTES": foreach (var v in SplitBytes(raw)) { contents.BytesContents.Add(ByteString.CopyFrom(v)); } break;
            default: return null;
        }

        return contents;
    }

    public override string ToString() => Datatype;

    public static byte[] Pack<T>(params T[] values)
        where T : unmanaged
        => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    /// <summary>BYTES wire form: each element as a uint32 little-endian length, then its bytes.</summary>
    public static byte[] LengthPrefixed(params byte[][] elements)
    {
        var result = new byte[elements.Sum(e => 4 + e.Length)];
        var offset = 0;
        foreach (var element in elements)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(offset), (uint)element.Length);
            element.CopyTo(result, offset + 4);
            offset += 4 + element.Length;
        }

        return result;
    }

    public static byte[] LengthPrefixed(params string[] elements) => LengthPrefixed(elements.Select(Encoding.UTF8.GetBytes).ToArray());

    public static List<byte[]> SplitBytes(ReadOnlySpan<byte> raw)
    {
        var elements = new List<byte[]>();
        while (!raw.IsEmpty)
        {
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(raw);
            elements.Add(raw.Slice(4, length).ToArray());
            raw = raw[(4 + length)..];
        }

        return elements;
    }
}

/// <summary>The fourteen protocol datatypes, each with values that probe its edges.</summary>
internal static class TensorCases
{
    public static readonly IReadOnlyList<TensorCase> All =
    [
        new("BOOL", OnnxType.Bool, [1, 0, 1, 1, 0, 0]),
        new("UINT8", OnnxType.Uint8, [0, 1, 127, 128, 254, 255]),
        new("UINT16", OnnxType.Uint16, TensorCase.Pack<ushort>(0, 1, 300, 32768, 65534, 65535)),
        new("UINT32", OnnxType.Uint32, TensorCase.Pack<uint>(0, 1, 65536, 1u << 31, uint.MaxValue - 1, uint.MaxValue)),
        new("UINT64", OnnxType.Uint64, TensorCase.Pack<ulong>(0, 1, 1UL << 32, 1UL << 63, ulong.MaxValue - 1, ulong.MaxValue)),
        new("INT8", OnnxType.Int8, TensorCase.Pack<sbyte>(sbyte.MinValue, -1, 0, 1, 64, sbyte.MaxValue)),
        new("INT16", OnnxType.Int16, TensorCase.Pack<short>(short.MinValue, -1, 0, 1, 1000, short.MaxValue)),
        new("INT32", OnnxType.Int32, TensorCase.Pack(int.MinValue, -1, 0, 1, 123456, int.MaxValue)),
        new("INT64", OnnxType.Int64, TensorCase.Pack(long.MinValue, -1, 0, 1, 1L << 40, long.MaxValue)),
        new("FP16", OnnxType.Float16, TensorCase.Pack((Half)0, (Half)1, (Half)(-2.5), Half.MaxValue, Half.Epsilon, (Half)0.333)),
        new("FP32", OnnxType.Float, TensorCase.Pack(0f, 1.5f, -2.25f, float.MaxValue, float.Epsilon, 0.1f)),
        new("FP64", OnnxType.Double, TensorCase.Pack(0d, 1.5d, -2.25d, double.MaxValue, double.Epsilon, Math.PI)),
        new("BYTES", OnnxType.String, TensorCase.LengthPrefixed("", "a", "hello world", "ünïcødé ✓", "quote \" and \\ backslash", new string('x', 300))),
        // BF16 is the upper half of an FP32: 1.0, -2.0, 0.5, 3.140625, 0, -0.
        new("BF16", OnnxType.Bfloat16, TensorCase.Pack<ushort>(0x3F80, 0xC000, 0x3F00, 0x4049, 0x0000, 0x8000)),
    ];

    public static TheoryData<string> AllDatatypes => [.. All.Select(c => c.Datatype)];

    public static TheoryData<string> JsonDatatypes => [.. All.Where(c => c.HasJsonForm).Select(c => c.Datatype)];

    /// <summary>Datatypes with an InferTensorContents field: the same set as JSON, every type but FP16 and BF16.</summary>
    public static TheoryData<string> TypedDatatypes => [.. All.Where(c => c.HasJsonForm).Select(c => c.Datatype)];

    public static TensorCase Get(string datatype) => All.Single(c => c.Datatype == datatype);
}
