using InferenceServer.Core.Tensors;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace InferenceServer.OnnxRuntime;

/// <summary>Maps between protocol datatypes and ONNX Runtime element types.</summary>
internal static class OnnxTypes
{
    public static TensorElementType ToOnnx(DataType type) => type switch
    {
        DataType.Bool => TensorElementType.Bool,
        DataType.UInt8 => TensorElementType.UInt8,
        DataType.UInt16 => TensorElementType.UInt16,
        DataType.UInt32 => TensorElementType.UInt32,
        DataType.UInt64 => TensorElementType.UInt64,
        DataType.Int8 => TensorElementType.Int8,
        DataType.Int16 => TensorElementType.Int16,
        DataType.Int32 => TensorElementType.Int32,
        DataType.Int64 => TensorElementType.Int64,
        DataType.Fp16 => TensorElementType.Float16,
        DataType.Fp32 => TensorElementType.Float,
        DataType.Fp64 => TensorElementType.Double,
        DataType.Bytes => TensorElementType.String,
        DataType.Bf16 => TensorElementType.BFloat16,
        _ => TensorElementType.DataTypeMax,
    };

    /// <summary>The protocol datatype of an ONNX element type; <see cref="DataType.Invalid"/> when the protocol has none (e.g. complex).</summary>
    public static DataType FromOnnx(TensorElementType type) => type switch
    {
        TensorElementType.Bool => DataType.Bool,
        TensorElementType.UInt8 => DataType.UInt8,
        TensorElementType.UInt16 => DataType.UInt16,
        TensorElementType.UInt32 => DataType.UInt32,
        TensorElementType.UInt64 => DataType.UInt64,
        TensorElementType.Int8 => DataType.Int8,
        TensorElementType.Int16 => DataType.Int16,
        TensorElementType.Int32 => DataType.Int32,
        TensorElementType.Int64 => DataType.Int64,
        TensorElementType.Float16 => DataType.Fp16,
        TensorElementType.Float => DataType.Fp32,
        TensorElementType.Double => DataType.Fp64,
        TensorElementType.String => DataType.Bytes,
        TensorElementType.BFloat16 => DataType.Bf16,
        _ => DataType.Invalid,
    };
}
