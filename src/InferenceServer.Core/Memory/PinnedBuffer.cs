using System.Buffers;
using System.Runtime.InteropServices;

namespace InferenceServer.Core.Memory;

/// <summary>
/// A 64-byte aligned block of native memory rented from a <see cref="PinnedBufferPool"/>. Native memory
/// never moves, so ONNX Runtime (and DMA engines) can read and write it in place. Exactly one owner
/// holds a buffer at a time; <see cref="Dispose()"/> hands it back to the pool, and a second return
/// is reported as a bug instead of corrupting the pool.
/// </summary>
public sealed unsafe class PinnedBuffer : MemoryManager<byte>, IDisposable
{
    private readonly PinnedBufferPool? _pool;
    private byte* _pointer;
    private int _rented;

    internal PinnedBuffer(PinnedBufferPool? pool, int sizeClass, int capacity)
    {
        _pool = pool;
        SizeClass = sizeClass;
        Capacity = capacity;
        _pointer = (byte*)NativeMemory.AlignedAlloc((nuint)Math.Max(capacity, 1), PinnedBufferPool.Alignment);
    }

    /// <summary>Address of the first byte.</summary>
    public IntPtr Pointer => (IntPtr)_pointer;

    /// <summary>Bytes allocated.</summary>
    public int Capacity { get; }

    /// <summary>Bytes the renter asked for; <see cref="Span"/> and <see cref="Memory"/> cover this many.</summary>
    public int Length { get; private set; }

    /// <summary>Index of the pool's size class, or -1 for an unpooled (oversize) buffer.</summary>
    internal int SizeClass { get; }

    /// <summary>The rented bytes.</summary>
    public Span<byte> Span => new(_pointer, Length);

    /// <summary>The rented bytes as memory (no allocation: this object is the memory manager).</summary>
    public override Memory<byte> Memory => CreateMemory(Length);

    public override Span<byte> GetSpan() => new(_pointer, Length);

    /// <summary>Native memory is always pinned; pinning only hands out the address.</summary>
    public override MemoryHandle Pin(int elementIndex = 0) => new(_pointer + elementIndex);

    public override void Unpin()
    {
    }

    /// <summary>Returns the buffer to its pool (or frees it when unpooled).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _rented, 0) == 0)
        {
            throw new InvalidOperationException("Pinned buffer returned twice.");
        }

        if (_pool is null)
        {
            Free();
        }
        else
        {
            _pool.Return(this);
        }
    }

    /// <summary>Shrinks <see cref="Length"/> once the renter knows how many bytes it used.</summary>
    public void Truncate(int length)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)length, (uint)Length, nameof(length));
        Length = length;
    }

    internal void MarkRented(int length)
    {
        _rented = 1;
        Length = length;
    }

    internal void Free()
    {
        if (_pointer != null)
        {
            NativeMemory.AlignedFree(_pointer);
            _pointer = null;
        }
    }

    protected override void Dispose(bool disposing) => Dispose();
}
