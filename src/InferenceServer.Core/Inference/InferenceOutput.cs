using InferenceServer.Core.Memory;
using InferenceServer.Core.Models;
using InferenceServer.Core.Tensors;

namespace InferenceServer.Core.Inference;

/// <summary>
/// One output tensor of a response, in pinned memory the response holds until it is written to the
/// wire: a buffer it owns alone, or its slice of a batch's output buffer that the batch's responses
/// share. BYTES outputs are length-prefixed (<see cref="BytesTensor"/>).
/// </summary>
public sealed class InferenceOutput
{
    private PinnedBuffer? _buffer;
    private SharedPinnedBuffer? _shared;
    private int _offset;
    private int _length;

    public TensorSpec Spec { get; private set; } = null!;

    public string Name => Spec.Name;

    public DataType DataType => Spec.DataType;

    public TensorShape Shape;

    /// <summary>The tensor bytes (empty for a zero-size tensor).</summary>
    public ReadOnlyMemory<byte> Data =>
        _shared is not null ? _shared.Buffer.Memory.Slice(_offset, _length)
        : _buffer is not null ? _buffer.Memory
        : ReadOnlyMemory<byte>.Empty;

    internal void Set(TensorSpec spec, in TensorShape shape, PinnedBuffer? buffer)
    {
        Spec = spec;
        Shape = shape;
        _buffer = buffer;
    }

    internal void SetShared(TensorSpec spec, in TensorShape shape, SharedPinnedBuffer shared, int offset, int length)
    {
        Spec = spec;
        Shape = shape;
        _shared = shared;
        _offset = offset;
        _length = length;
    }

    internal void Reset()
    {
        _buffer?.Dispose();
        _buffer = null;
        _shared?.Release();
        _shared = null;
        _offset = 0;
        _length = 0;
        Spec = null!;
        Shape = default;
    }
}
