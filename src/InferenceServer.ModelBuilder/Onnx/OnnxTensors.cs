using System.Buffers.Binary;
using System.Text;
using Google.Protobuf;

namespace InferenceServer.ModelBuilder.Onnx;

/// <summary>
/// Creates <see cref="TensorProto"/> values for initializers and tensor attributes. Numeric
/// data goes into raw_data as fixed-width little-endian bytes (the compact form ONNX
/// prescribes), written element by element so the bytes are the same on any host.
/// </summary>
internal static class OnnxTensors
{
    public static TensorProto Create(string name, ReadOnlySpan<float> values, ReadOnlySpan<long> shape)
    {
        var raw = new byte[checked(values.Length * sizeof(float))];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * sizeof(float)), values[i]);
        }

        return Raw(name, TensorProto.Types.DataType.Float, raw, values.Length, shape);
    }

    /// <summary>FP16 values, rounded from <paramref name="values"/> to the nearest half.</summary>
    public static TensorProto CreateHalf(string name, ReadOnlySpan<float> values, ReadOnlySpan<long> shape)
    {
        var raw = new byte[checked(values.Length * 2)];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteHalfLittleEndian(raw.AsSpan(i * 2), (Half)values[i]);
        }

        return Raw(name, TensorProto.Types.DataType.Float16, raw, values.Length, shape);
    }

    public static TensorProto Create(string name, ReadOnlySpan<int> values, ReadOnlySpan<long> shape)
    {
        var raw = new byte[checked(values.Length * sizeof(int))];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(raw.AsSpan(i * sizeof(int)), values[i]);
        }

        return Raw(name, TensorProto.Types.DataType.Int32, raw, values.Length, shape);
    }

    public static TensorProto Create(string name, ReadOnlySpan<long> values, ReadOnlySpan<long> shape)
    {
        var raw = new byte[checked(values.Length * sizeof(long))];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(raw.AsSpan(i * sizeof(long)), values[i]);
        }

        return Raw(name, TensorProto.Types.DataType.Int64, raw, values.Length, shape);
    }

    /// <summary>Strings cannot use raw_data; ONNX stores each as UTF-8 in string_data.</summary>
    public static TensorProto Create(string name, ReadOnlySpan<string> values, ReadOnlySpan<long> shape)
    {
        var tensor = Header(name, TensorProto.Types.DataType.String, values.Length, shape);
        foreach (var value in values)
        {
            tensor.StringData.Add(ByteString.CopyFrom(value, Encoding.UTF8));
        }

        return tensor;
    }

    private static TensorProto Raw(string name, TensorProto.Types.DataType type, byte[] raw, int count, ReadOnlySpan<long> shape)
    {
        var tensor = Header(name, type, count, shape);
        tensor.RawData = ByteString.CopyFrom(raw);
        return tensor;
    }

    private static TensorProto Header(string name, TensorProto.Types.DataType type, int count, ReadOnlySpan<long> shape)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        long elements = 1;
        foreach (var dim in shape)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(dim, nameof(shape));
            elements = checked(elements * dim);
        }

        if (elements != count)
        {
            throw new ArgumentException($"Tensor '{name}' has {count} values but its shape holds {elements}.", nameof(shape));
        }

        var tensor = new TensorProto { Name = name, DataType = (int)type };
        foreach (var dim in shape)
        {
            tensor.Dims.Add(dim);
        }

        return tensor;
    }
}
