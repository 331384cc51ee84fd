using System.Text;

namespace InferenceServer.Core.Tensors;

/// <summary>Protocol names, element sizes and conversions of <see cref="DataType"/>.</summary>
public static class DataTypes
{
    private static readonly string[] ProtocolNames =
    [
        "INVALID", "BOOL", "UINT8", "UINT16", "UINT32", "UINT64", "INT8", "INT16", "INT32", "INT64",
        "FP16", "FP32", "FP64", "BYTES", "BF16",
    ];

    private static readonly byte[][] ProtocolNamesUtf8 = ProtocolNames.Select(Encoding.UTF8.GetBytes).ToArray();

    /// <summary>The protocol string, e.g. <c>FP32</c>.</summary>
    public static string ToProtocolString(this DataType type) => ProtocolNames[(int)type];

    /// <summary>The protocol string as UTF-8, for writers that work in bytes.</summary>
    public static ReadOnlySpan<byte> ToProtocolUtf8(this DataType type) => ProtocolNamesUtf8[(int)type];

    /// <summary>The <c>config.pbtxt</c> enum name, e.g. <c>TYPE_FP32</c>.</summary>
    public static string ToConfigString(this DataType type) => type == DataType.Bytes ? "TYPE_STRING" : "TYPE_" + ToProtocolString(type);

    /// <summary>Bytes per element; 0 for <see cref="DataType.Bytes"/>, whose elements vary in size.</summary>
    public static int ElementSize(this DataType type) => type switch
    {
        DataType.Bool or DataType.UInt8 or DataType.Int8 => 1,
        DataType.UInt16 or DataType.Int16 or DataType.Fp16 or DataType.Bf16 => 2,
        DataType.UInt32 or DataType.Int32 or DataType.Fp32 => 4,
        DataType.UInt64 or DataType.Int64 or DataType.Fp64 => 8,
        _ => 0,
    };

    /// <summary>Parses a case-sensitive protocol string (the 14 names of the protocol).</summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8, out DataType type)
    {
        for (var i = 1; i < ProtocolNamesUtf8.Length; i++)
        {
            if (utf8.SequenceEqual(ProtocolNamesUtf8[i]))
            {
                type = (DataType)i;
                return true;
            }
        }

        type = DataType.Invalid;
        return false;
    }

    /// <inheritdoc cref="TryParse(ReadOnlySpan{byte}, out DataType)"/>
    public static bool TryParse(string name, out DataType type)
    {
        var index = Array.IndexOf(ProtocolNames, name);
        type = index > 0 ? (DataType)index : DataType.Invalid;
        return index > 0;
    }
}
