namespace InferenceServer.Client.Models;

/// <summary>A configuration's <c>TYPE_*</c> datatypes as protocol datatypes (<c>TYPE_FP32</c> is <c>FP32</c>, <c>TYPE_STRING</c> is <c>BYTES</c>).</summary>
internal static class ConfigDataTypes
{
    public static string ToProtocol(string configType) => configType switch
    {
        "TYPE_STRING" => "BYTES",
        _ when configType.StartsWith("TYPE_", StringComparison.Ordinal) => configType[5..],
        _ => configType,
    };

    public static string FromEnum(Inference.DataType type) => type switch
    {
        Inference.DataType.TypeBool => "BOOL",
        Inference.DataType.TypeUint8 => "UINT8",
        Inference.DataType.TypeUint16 => "UINT16",
        Inference.DataType.TypeUint32 => "UINT32",
        Inference.DataType.TypeUint64 => "UINT64",
        Inference.DataType.TypeInt8 => "INT8",
        Inference.DataType.TypeInt16 => "INT16",
        Inference.DataType.TypeInt32 => "INT32",
        Inference.DataType.TypeInt64 => "INT64",
        Inference.DataType.TypeFp16 => "FP16",
        Inference.DataType.TypeFp32 => "FP32",
        Inference.DataType.TypeFp64 => "FP64",
        Inference.DataType.TypeString => "BYTES",
        Inference.DataType.TypeBf16 => "BF16",
        _ => "INVALID",
    };
}
