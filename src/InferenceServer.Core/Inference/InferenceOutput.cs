using InferenceServer.Core.Memory;
using InferenceServer.Core.Models;
using InferenceServer.Core.Tensors;

namespace InferenceServer.Core.Inference;

/// <summary>
/// One output tensor of a response, held in a pinned buffer the response owns until it is written
/// to the wire. BYTES outputs are length-prefixed (<see cref="BytesTensor"/>).
/// </summary>
public sealed class InferenceOutput
{
    public TensorSpec Spec { get; private set; } = null!;

    public string Name => Spec.Name;

    public DataType DataType => Spec.DataType;

    public TensorShape Shape;

    public PinnedBuffer? Buffer { get; private set; }

    /// <summary>The tensor bytes (empty for a zero-size tensor).</summary>
    public ReadOnlyMemory<byte> Data => Buffer is null ? ReadOnlyMemory<byte>.Empty : Buffer.Memory;

    internal void Set(TensorSpec spec, in TensorShape shape, PinnedBuffer? buffer)
    {
        Spec = spec;
        Shape = shape;
        Buffer = buffer;
    }

    internal void Reset()
    {
        Buffer?.Dispose();
        Buffer = null;
        Spec = null!;
        Shape = default;
    }
}
