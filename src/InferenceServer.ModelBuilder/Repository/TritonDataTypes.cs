using DataType = InferenceServer.ModelBuilder.Onnx.TensorProto.Types.DataType;

namespace InferenceServer.ModelBuilder.Repository;

/// <summary>Maps ONNX element types to the <c>TYPE_*</c> names of Triton's model configuration.</summary>
internal static class TritonDataTypes
{
    /// <summary>Returns e.g. "TYPE_FP32" for FLOAT; throws for types Triton has no name for.</summary>
    public static string ToConfigName(DataType elementType) => elementType switch
    {
        DataType.Bool => "TYPE_BOOL",
        DataType.Uint8 => "TYPE_UINT8",
        DataType.Uint16 => "TYPE_UINT16",
        DataType.Uint32 => "TYPE_UINT32",
        DataType.Uint64 => "TYPE_UINT64",
        DataType.Int8 => "TYPE_INT8",
        DataType.Int16 => "TYPE_INT16",
        DataType.Int32 => "TYPE_INT32",
        DataType.Int64 => "TYPE_INT64",
        DataType.Float16 => "TYPE_FP16",
        DataType.Float => "TYPE_FP32",
        DataType.Double => "TYPE_FP64",
        DataType.String => "TYPE_STRING",
        DataType.Bfloat16 => "TYPE_BF16",
        _ => throw new ArgumentOutOfRangeException(nameof(elementType), elementType, "Triton's model configuration has no data type for this ONNX element type."),
    };
}
