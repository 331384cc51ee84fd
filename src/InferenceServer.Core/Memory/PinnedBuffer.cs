using System.Buffers;
using System.Diagnostics;

namespace InferenceServer.Core.Memory;

/// <summary>
/// A lease on a 64-byte aligned block of native memory rented from a <see cref="PinnedBufferPool"/>.
/// Native memory never moves, so ONNX Runtime (and DMA engines) can read and write it in place.
/// </summary>
/// <remarks>
/// <para>
/// Exactly one owner holds a lease at a time; <see cref="Dispose()"/> ends it (a pooled buffer goes
/// back to its size class, a fallback buffer is freed). A second <see cref="Dispose()"/> is a bug in
/// the caller: in debug mode it throws <see cref="InvalidOperationException"/> with the stack of the
/// first return; otherwise it is counted in <see cref="PinnedBufferPool.DoubleReturnCount"/> and
/// ignored, because a throw on a model thread would take the process down.
/// </para>
/// <para>
/// Outside debug mode the pool reuses lease objects, so a stale reference that is disposed again
/// after the buffer was rented by someone else cannot be told apart from the new owner's return.
/// Debug mode hands every rent a fresh lease object (the native memory moves to it on return), so
/// there every double return and every use after return (<see cref="IsRented"/> is false, the span
/// is empty) is caught exactly.
/// </para>
/// </remarks>
public sealed unsafe class PinnedBuffer : MemoryManager<byte>, IDisposable
{
    private const int Idle = 0;
    private const int Leased = 1;

    private readonly PinnedBufferPool _pool;
    private byte* _pointer;
    private int _state;

    internal PinnedBuffer(PinnedBufferPool pool, int sizeClass, int capacity)
        : this(pool, sizeClass, capacity, Allocate(AllocatorFor(pool, sizeClass), capacity))
    {
    }

    private PinnedBuffer(PinnedBufferPool pool, int sizeClass, int capacity, byte* pointer)
    {
        _pool = pool;
        SizeClass = sizeClass;
        Capacity = capacity;
        _pointer = pointer;
    }

    /// <summary>Address of the first byte (zero once a fallback buffer is freed or a debug-mode lease is returned).</summary>
    public IntPtr Pointer => (IntPtr)_pointer;

    /// <summary>Bytes allocated: the size class for a pooled buffer, the exact length asked for a fallback one.</summary>
    public int Capacity { get; }

    /// <summary>Bytes the renter asked for; <see cref="Span"/> and <see cref="Memory"/> cover this many. 0 once returned.</summary>
    public int Length { get; private set; }

    /// <summary>
    /// True from <see cref="PinnedBufferPool.Rent"/> until <see cref="Dispose()"/>. Reliable for a stale
    /// reference only in debug mode (elsewhere the lease object may have been rented out again).
    /// </summary>
    public bool IsRented => Volatile.Read(ref _state) == Leased;

    /// <summary>Index of the pool's size class, or -1 for a fallback (unpooled, exact-size) buffer.</summary>
    internal int SizeClass { get; }

    /// <summary>An exact-size allocation outside the pool's budget, freed on return.</summary>
    internal bool IsFallback => SizeClass < 0;

    /// <summary>Debug mode: where this lease was rented.</summary>
    internal StackTrace? RentStack { get; private set; }

    /// <summary>Debug mode: the pool's rent counter when this lease was rented.</summary>
    internal long RentSequence { get; private set; }

    /// <summary>Debug mode: <see cref="TimeProvider.GetTimestamp"/> when this lease was rented.</summary>
    internal long RentTimestamp { get; private set; }

    /// <summary>Debug mode: where this lease was returned, for the double-return report.</summary>
    internal StackTrace? ReturnStack { get; private set; }

    /// <summary>The rented bytes.</summary>
    public Span<byte> Span => new(_pointer, Length);

    /// <summary>The rented bytes as memory (no allocation: this object is the memory manager).</summary>
    public override Memory<byte> Memory => CreateMemory(Length);

    public override Span<byte> GetSpan() => new(_pointer, Length);

    /// <summary>Native memory is always pinned; pinning only hands out the address.</summary>
    public override MemoryHandle Pin(int elementIndex = 0)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)elementIndex, (uint)Capacity, nameof(elementIndex));
        ObjectDisposedException.ThrowIf(_pointer == null, this);
        return new MemoryHandle(_pointer + elementIndex);
    }

    public override void Unpin()
    {
    }

    /// <summary>Ends the lease: returns the buffer to its pool, or frees it when it is a fallback buffer.</summary>
    public void Dispose()
    {
        var returnStack = _pool.IsDebug ? new StackTrace(fNeedFileInfo: true) : null;
        if (Interlocked.Exchange(ref _state, Idle) == Idle)
        {
            _pool.OnDoubleReturn(this);
            return;
        }

        ReturnStack = returnStack;
        _pool.Return(this);
    }

    /// <summary>Shrinks <see cref="Length"/> once the renter knows how many bytes it used.</summary>
    public void Truncate(int length)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)length, (uint)Length, nameof(length));
        Length = length;
    }

    internal void MarkRented(int length)
    {
        Length = length;
        Volatile.Write(ref _state, Leased);
    }

    internal void RecordRent(StackTrace stack, long sequence, long timestamp)
    {
        RentStack = stack;
        RentSequence = sequence;
        RentTimestamp = timestamp;
    }

    /// <summary>Outside debug mode: the idle buffer shows nothing to a stale reference.</summary>
    internal void ResetLength() => Length = 0;

    /// <summary>
    /// Debug mode: moves the native memory to a fresh lease object for the next renter and leaves this
    /// one returned for good (no memory, empty span), so a stale reference can never reach the next
    /// renter's bytes and a second return is always caught.
    /// </summary>
    internal PinnedBuffer Retire()
    {
        var successor = new PinnedBuffer(_pool, SizeClass, Capacity, _pointer);
        _pointer = null;
        Length = 0;
        return successor;
    }

    internal void Free()
    {
        if (_pointer != null)
        {
            AllocatorFor(_pool, SizeClass).Free(_pointer);
            _pointer = null;
        }

        Length = 0;
    }

    protected override void Dispose(bool disposing) => Dispose();

    /// <summary>
    /// Pooled buffers come from the pool's allocator; fallback buffers (budget exhausted, oversize) from
    /// pageable memory, as Triton falls back when its pinned pool runs out: page-locking a block per
    /// request (<c>cuMemHostAlloc</c> takes milliseconds for large blocks) would turn a full pool into a
    /// stall on every request.
    /// </summary>
    private static IHostMemoryAllocator AllocatorFor(PinnedBufferPool pool, int sizeClass) =>
        sizeClass < 0 ? AlignedHostAllocator.Instance : pool.Allocator;

    /// <summary>
    /// Allocates through the chosen allocator and holds it to its contract: a null or misaligned block
    /// (a broken allocator) fails the rent here instead of corrupting memory or crashing later in SIMD code.
    /// </summary>
    private static byte* Allocate(IHostMemoryAllocator allocator, int capacity)
    {
        var pointer = (byte*)allocator.Allocate((nuint)capacity);
        if (pointer == null || (nuint)pointer % PinnedBufferPool.Alignment != 0)
        {
            ThrowBrokenAllocator(allocator, pointer);
        }

        return pointer;
    }

    private static void ThrowBrokenAllocator(IHostMemoryAllocator allocator, byte* pointer)
    {
        if (pointer != null)
        {
            allocator.Free(pointer);
        }

        throw new InvalidOperationException(
            $"The host memory allocator ({allocator.Description}) returned {(pointer == null ? "null" : $"0x{(nuint)pointer:x}, not {PinnedBufferPool.Alignment}-byte aligned")}.");
    }
}
