namespace InferenceServer.LoadTool.Data;

/// <summary>The KServe v2 datatypes and their element sizes; BYTES is variable (a 4-byte length, then the bytes).</summary>
internal static class DataTypes
{
    public const string Bytes = "BYTES";

    /// <summary>Bytes per element, or 0 for BYTES; throws for a name the protocol does not define.</summary>
    public static int ElementSize(string dataType) => dataType switch
    {
        "BOOL" or "UINT8" or "INT8" => 1,
        "UINT16" or "INT16" or "FP16" or "BF16" => 2,
        "UINT32" or "INT32" or "FP32" => 4,
        "UINT64" or "INT64" or "FP64" => 8,
        Bytes => 0,
        _ => throw new InvalidOperationException($"datatype '{dataType}' is not a KServe v2 datatype"),
    };

    public static bool IsFloatingPoint(string dataType) => dataType is "FP16" or "BF16" or "FP32" or "FP64";
}
