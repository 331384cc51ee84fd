namespace InferenceServer.Client.Tensors;

/// <summary>The protocol's datatype names (KServe v2 / Triton), and which .NET element type carries each.</summary>
public static class TensorDataType
{
    /// <summary>Booleans, one byte each (0 or 1); .NET <see cref="bool"/>.</summary>
    public const string Bool = "BOOL";

    /// <summary><see cref="byte"/>.</summary>
    public const string UInt8 = "UINT8";

    /// <summary><see cref="ushort"/>.</summary>
    public const string UInt16 = "UINT16";

    /// <summary><see cref="uint"/>.</summary>
    public const string UInt32 = "UINT32";

    /// <summary><see cref="ulong"/>.</summary>
    public const string UInt64 = "UINT64";

    /// <summary><see cref="sbyte"/>.</summary>
    public const string Int8 = "INT8";

    /// <summary><see cref="short"/>.</summary>
    public const string Int16 = "INT16";

    /// <summary><see cref="int"/>.</summary>
    public const string Int32 = "INT32";

    /// <summary><see cref="long"/>.</summary>
    public const string Int64 = "INT64";

    /// <summary><see cref="Half"/>.</summary>
    public const string Fp16 = "FP16";

    /// <summary><see cref="Tensors.BFloat16"/>.</summary>
    public const string BFloat16 = "BF16";

    /// <summary><see cref="float"/>.</summary>
    public const string Fp32 = "FP32";

    /// <summary><see cref="double"/>.</summary>
    public const string Fp64 = "FP64";

    /// <summary>Variable-length byte strings: on the wire each element is a little-endian uint32 length, then its bytes.</summary>
    public const string Bytes = "BYTES";

    /// <summary>The datatype whose elements are <typeparamref name="T"/>.</summary>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not a tensor element type.</exception>
    public static string Of<T>()
        where T : unmanaged
        => ElementType<T>.Name ?? throw new NotSupportedException($"{typeof(T).Name} is not a tensor element type; use one of bool, byte, sbyte, short, ushort, int, uint, long, ulong, Half, BFloat16, float or double");

    /// <summary>The size of one element in bytes; 0 for <see cref="Bytes"/>, -1 for a name the protocol does not have.</summary>
    public static int ElementSize(string dataType) => dataType switch
    {
        Bool or UInt8 or Int8 => 1,
        UInt16 or Int16 or Fp16 or BFloat16 => 2,
        UInt32 or Int32 or Fp32 => 4,
        UInt64 or Int64 or Fp64 => 8,
        Bytes => 0,
        _ => -1,
    };

    /// <summary>The datatype of each element type, worked out once per type.</summary>
    private static class ElementType<T>
        where T : unmanaged
    {
        public static readonly string? Name =
            typeof(T) == typeof(bool) ? Bool
            : typeof(T) == typeof(byte) ? UInt8
            : typeof(T) == typeof(ushort) ? UInt16
            : typeof(T) == typeof(uint) ? UInt32
            : typeof(T) == typeof(ulong) ? UInt64
            : typeof(T) == typeof(sbyte) ? Int8
            : typeof(T) == typeof(short) ? Int16
            : typeof(T) == typeof(int) ? Int32
            : typeof(T) == typeof(long) ? Int64
            : typeof(T) == typeof(Half) ? Fp16
            : typeof(T) == typeof(Tensors.BFloat16) ? BFloat16
            : typeof(T) == typeof(float) ? Fp32
            : typeof(T) == typeof(double) ? Fp64
            : null;
    }
}
