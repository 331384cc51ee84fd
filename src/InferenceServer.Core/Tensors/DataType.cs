namespace InferenceServer.Core.Tensors;

/// <summary>
/// A tensor element type as the KServe v2 / Triton protocol names it. The numeric values are the
/// <c>TYPE_*</c> values of <c>config.pbtxt</c>, so a config data type converts by a cast.
/// </summary>
public enum DataType
{
    Invalid = 0,
    Bool = 1,
    UInt8 = 2,
    UInt16 = 3,
    UInt32 = 4,
    UInt64 = 5,
    Int8 = 6,
    Int16 = 7,
    Int32 = 8,
    Int64 = 9,
    Fp16 = 10,
    Fp32 = 11,
    Fp64 = 12,
    /// <summary>Variable-length byte strings (<c>TYPE_STRING</c> in config, <c>BYTES</c> on the wire).</summary>
    Bytes = 13,
    Bf16 = 14,
}
