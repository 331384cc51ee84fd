using System.Collections.Concurrent;
using System.Numerics;

namespace InferenceServer.Core.Memory;

/// <summary>
/// A bounded, size-classed pool of <see cref="PinnedBuffer"/>s (powers of two from 4 KiB to 64 MiB).
/// Buffers above the largest class are allocated exactly and freed on return. The pool keeps at most
/// <see cref="RetainedByteLimit"/> bytes of idle buffers (Triton's pinned pool default is 256 MiB);
/// returns beyond that free their memory, so a burst never pins memory forever.
/// </summary>
public sealed class PinnedBufferPool : IDisposable
{
    /// <summary>Alignment of every buffer: a cache line, and enough for any SIMD width in use.</summary>
    public const int Alignment = 64;

    private const int SmallestClassLog2 = 12;
    private const int LargestClassLog2 = 26;

    private readonly ConcurrentStack<PinnedBuffer>[] _classes;
    private readonly ConcurrentDictionary<PinnedBuffer, byte>? _outstanding;
    private long _retainedBytes;
    private long _rentedBytes;
    private long _allocatedBytes;
    private int _disposed;

    /// <param name="retainedByteLimit">Most bytes kept idle in the pool.</param>
    /// <param name="trackLeaks">Keep every rented buffer in a set so <see cref="OutstandingCount"/> can report leaks (tests, debug).</param>
    public PinnedBufferPool(long retainedByteLimit = 256L << 20, bool trackLeaks = false)
    {
        RetainedByteLimit = retainedByteLimit;
        _classes = new ConcurrentStack<PinnedBuffer>[LargestClassLog2 - SmallestClassLog2 + 1];
        for (var i = 0; i < _classes.Length; i++)
        {
            _classes[i] = new ConcurrentStack<PinnedBuffer>();
        }

        if (trackLeaks)
        {
            _outstanding = new ConcurrentDictionary<PinnedBuffer, byte>(ReferenceEqualityComparer.Instance);
        }
    }

    /// <summary>A process-wide pool for callers without their own.</summary>
    public static PinnedBufferPool Shared { get; } = new();

    /// <summary>Most bytes of idle buffers the pool keeps.</summary>
    public long RetainedByteLimit { get; }

    /// <summary>Bytes currently rented out (capacity of outstanding buffers).</summary>
    public long RentedBytes => Interlocked.Read(ref _rentedBytes);

    /// <summary>Bytes of native memory the pool holds, rented or idle.</summary>
    public long AllocatedBytes => Interlocked.Read(ref _allocatedBytes);

    /// <summary>Rented buffers not yet returned (only when constructed with leak tracking).</summary>
    public int OutstandingCount => _outstanding?.Count ?? -1;

    /// <summary>Rents a buffer of at least <paramref name="length"/> bytes.</summary>
    public PinnedBuffer Rent(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var sizeClass = SizeClassOf(length);
        PinnedBuffer? buffer = null;
        if (sizeClass >= 0 && _classes[sizeClass].TryPop(out buffer))
        {
            Interlocked.Add(ref _retainedBytes, -buffer.Capacity);
        }

        if (buffer is null)
        {
            var capacity = sizeClass >= 0 ? 1 << (sizeClass + SmallestClassLog2) : length;
            buffer = new PinnedBuffer(this, sizeClass, capacity);
            Interlocked.Add(ref _allocatedBytes, capacity);
        }

        buffer.MarkRented(length);
        Interlocked.Add(ref _rentedBytes, buffer.Capacity);
        _outstanding?.TryAdd(buffer, 0);
        return buffer;
    }

    internal void Return(PinnedBuffer buffer)
    {
        Interlocked.Add(ref _rentedBytes, -buffer.Capacity);
        _outstanding?.TryRemove(buffer, out _);
        if (buffer.SizeClass >= 0 && Volatile.Read(ref _disposed) == 0
            && Interlocked.Add(ref _retainedBytes, buffer.Capacity) <= RetainedByteLimit)
        {
            _classes[buffer.SizeClass].Push(buffer);
            return;
        }

        if (buffer.SizeClass >= 0)
        {
            Interlocked.Add(ref _retainedBytes, -buffer.Capacity);
        }

        Interlocked.Add(ref _allocatedBytes, -buffer.Capacity);
        buffer.Free();
    }

    private static int SizeClassOf(int length)
    {
        var log2 = length <= 1 << SmallestClassLog2 ? SmallestClassLog2 : 32 - BitOperations.LeadingZeroCount((uint)length - 1);
        return log2 > LargestClassLog2 ? -1 : log2 - SmallestClassLog2;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var stack in _classes)
        {
            while (stack.TryPop(out var buffer))
            {
                Interlocked.Add(ref _allocatedBytes, -buffer.Capacity);
                buffer.Free();
            }
        }
    }
}
