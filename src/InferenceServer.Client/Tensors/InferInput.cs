namespace InferenceServer.Client.Tensors;

/// <summary>
/// One input of a request as it goes on the wire: little-endian, row-major bytes (BYTES as length-prefixed elements).
/// <see cref="Pooled"/> is the rented array the bytes were copied into, returned when the request is disposed; null when
/// the bytes are the caller's own memory.
/// </summary>
internal sealed class InferInput(string name, string dataType, long[] shape, ReadOnlyMemory<byte> data, byte[]? pooled)
{
    public string Name { get; } = name;

    public string DataType { get; } = dataType;

    public long[] Shape { get; } = shape;

    public ReadOnlyMemory<byte> Data { get; } = data;

    public byte[]? Pooled { get; } = pooled;
}
