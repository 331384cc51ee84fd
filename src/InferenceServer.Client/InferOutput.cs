namespace InferenceServer.Client;

/// <summary>One output tensor of a response: its name, datatype and shape. Its elements are read through the owning <see cref="InferResult"/>.</summary>
public sealed class InferOutput
{
    internal InferOutput(string name, string dataType, long[] shape, int offset, int length)
    {
        Name = name;
        DataType = dataType;
        Shape = shape;
        Offset = offset;
        Length = length;
    }

    /// <summary>The output's name.</summary>
    public string Name { get; }

    /// <summary>The protocol datatype (<see cref="Tensors.TensorDataType"/>).</summary>
    public string DataType { get; }

    /// <summary>The output's shape.</summary>
    public IReadOnlyList<long> Shape { get; }

    /// <summary>The size of its wire bytes (for BYTES, the length-prefixed elements).</summary>
    public int ByteLength => Length;

    internal int Offset { get; }

    internal int Length { get; }
}
