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
    private bool _classified;

    public TensorSpec Spec { get; private set; } = null!;

    public string Name => Spec.Name;

    /// <summary>The tensor's datatype: the model's, or BYTES once the classification extension replaced it.</summary>
    public DataType DataType => _classified ? DataType.Bytes : Spec.DataType;

    /// <summary>Whether the tensor is the classification extension's result rather than the model's own output (observers skip it).</summary>
    public bool IsClassification => _classified;

    /// <summary>
    /// Set when the tensor was written into a shared-memory region instead of being returned: the response carries its
    /// name, datatype, shape and the region's parameters, and no data.
    /// </summary>
    public SharedMemory.SharedMemoryLease? SharedMemory { get; private set; }

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

    /// <summary>Takes <paramref name="source"/>'s bytes (its buffer or its share of one) as <paramref name="spec"/>, leaving it empty.</summary>
    internal void TakeFrom(TensorSpec spec, InferenceOutput source)
    {
        Spec = spec;
        Shape = source.Shape;
        _buffer = source._buffer;
        _shared = source._shared;
        _offset = source._offset;
        _length = source._length;
        source._buffer = null;
        source._shared = null;
        source.Reset();
    }

    /// <summary>Replaces the tensor with the classification extension's BYTES result, which the output then owns.</summary>
    internal void ReplaceWithClasses(in TensorShape shape, PinnedBuffer classes)
    {
        var spec = Spec;
        Reset();
        Set(spec, shape, classes);
        _classified = true;
    }

    /// <summary>Marks the tensor as delivered through <paramref name="lease"/> (its bytes were copied there).</summary>
    internal void MarkWrittenTo(SharedMemory.SharedMemoryLease lease) => SharedMemory = lease;

    internal void Reset()
    {
        _classified = false;
        SharedMemory = null;
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
