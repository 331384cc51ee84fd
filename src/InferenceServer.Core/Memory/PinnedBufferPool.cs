using System.Collections.Concurrent;
using System.Diagnostics;

namespace InferenceServer.Core.Memory;

/// <summary>
/// A bounded, size-classed pool of pinned, 64-byte aligned <see cref="PinnedBuffer"/> leases (size
/// classes are powers of two from 4 KiB to 64 MiB).
/// </summary>
/// <remarks>
/// <para>
/// <b>Budget.</b> <see cref="ByteBudget"/> (<c>--pinned-memory-pool-byte-size</c>, Triton's default
/// 256 MiB) bounds the native bytes the pool holds in size-classed buffers, rented and idle together
/// (<see cref="AllocatedBytes"/>). A new allocation first reserves its bytes with a compare-and-swap on
/// <see cref="AllocatedBytes"/>, so concurrent rents can never push it over the budget. When a
/// reservation does not fit, idle buffers of other size classes are freed, largest class first, to
/// make room (<see cref="EvictedCount"/>).
/// </para>
/// <para>
/// <b>Fallback.</b> When there is still no room, or the request is larger than the largest class
/// (<see cref="LargestPooledLength"/>), the rent returns a <i>fallback</i> buffer: an exact-size,
/// still 64-byte aligned native allocation, outside the budget, freed when its lease is disposed.
/// Both kinds are counted together in <see cref="FallbackCount"/> and <see cref="FallbackBytes"/>;
/// <see cref="OversizeCount"/> is the oversize share of <see cref="FallbackCount"/>.
/// </para>
/// <para>
/// <b>Debug mode.</b> With <c>debug: true</c> every lease remembers where it was rented
/// (<see cref="GetLeakReport"/>), every rent gets a fresh lease object, and a second return throws
/// with the stack of the first. Without it the pool keeps only cheap counters: a second return is
/// counted in <see cref="DoubleReturnCount"/> and ignored.
/// </para>
/// <para>
/// <b>Allocator.</b> Pooled buffers are allocated and freed through <see cref="Allocator"/>: pageable
/// memory by default; a GPU deployment passes one that returns page-locked memory from the driver, so
/// copies to the device run at DMA speed. Fallback buffers are always pageable memory
/// (<see cref="AlignedHostAllocator"/>), as Triton falls back when its pinned pool is exhausted.
/// </para>
/// <para>
/// Rent and return are lock-free: one <see cref="ConcurrentQueue{T}"/> per size class and
/// <see cref="Interlocked"/> counters. Counters read while other threads rent and return are a
/// moment's view; once the pool is quiet, <c>AllocatedBytes == RentedBytes + IdleBytes</c>.
/// </para>
/// </remarks>
public sealed class PinnedBufferPool : IDisposable
{
    /// <summary>Alignment of every buffer: a cache line, and enough for any SIMD width in use.</summary>
    public const int Alignment = 64;

    /// <summary>Default <see cref="ByteBudget"/>: 256 MiB, Triton's <c>--pinned-memory-pool-byte-size</c> default.</summary>
    public const long DefaultByteBudget = 256L << 20;

    /// <summary>The largest size class (64 MiB); longer rents are oversize fallbacks.</summary>
    public const int LargestPooledLength = 1 << LargestClassLog2;

    private const int SmallestClassLog2 = 12;
    private const int LargestClassLog2 = 26;
    private const string PoolType = $"InferenceServer.Core.Memory.{nameof(PinnedBufferPool)}";
    private const string LeaseType = $"InferenceServer.Core.Memory.{nameof(PinnedBuffer)}";

    private static readonly PowerOfTwoSizeClasses SizeClasses = new(SmallestClassLog2, LargestClassLog2);

    private readonly ConcurrentQueue<PinnedBuffer>[] _classes;
    private readonly ConcurrentDictionary<PinnedBuffer, byte>? _leases;
    private readonly TimeProvider _time;
    private long _allocatedBytes;
    private long _idleBytes;
    private long _rentedBytes;
    private long _fallbackCount;
    private long _fallbackBytes;
    private long _fallbackRentedBytes;
    private long _oversizeCount;
    private long _evictedCount;
    private long _doubleReturnCount;
    private long _rentSequence;
    private int _outstandingCount;
    private int _disposed;

    /// <param name="byteBudget">Most native bytes the pool holds in size-classed buffers, rented and idle together (0 or more).</param>
    /// <param name="debug">Record each lease's rent stack for <see cref="GetLeakReport"/> and throw on a double return (tests, leak hunting; slower).</param>
    /// <param name="timeProvider">Clock for the ages in <see cref="GetLeakReport"/>; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="allocator">Where the pooled buffers' memory comes from and goes back to; <see cref="AlignedHostAllocator.Instance"/> when null.</param>
    public PinnedBufferPool(long byteBudget = DefaultByteBudget, bool debug = false, TimeProvider? timeProvider = null, IHostMemoryAllocator? allocator = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(byteBudget);
        ByteBudget = byteBudget;
        _time = timeProvider ?? TimeProvider.System;
        Allocator = allocator ?? AlignedHostAllocator.Instance;
        _classes = new ConcurrentQueue<PinnedBuffer>[SizeClasses.Count];
        for (var i = 0; i < _classes.Length; i++)
        {
            _classes[i] = new ConcurrentQueue<PinnedBuffer>();
        }

        if (debug)
        {
            _leases = new ConcurrentDictionary<PinnedBuffer, byte>(ReferenceEqualityComparer.Instance);
        }
    }

    /// <summary>Most native bytes held in size-classed buffers, rented and idle together.</summary>
    public long ByteBudget { get; }

    /// <summary>Allocates and frees the memory of every buffer, pooled and fallback.</summary>
    public IHostMemoryAllocator Allocator { get; }

    /// <summary>Whether the pool records rent stacks and throws on double returns.</summary>
    public bool IsDebug => _leases is not null;

    /// <summary>Native bytes held in size-classed buffers, rented or idle (reserved before allocation, so never above <see cref="ByteBudget"/>).</summary>
    public long AllocatedBytes => Interlocked.Read(ref _allocatedBytes);

    /// <summary>Capacity of the size-classed buffers rented out now (fallback buffers are in <see cref="FallbackRentedBytes"/>).</summary>
    public long RentedBytes => Interlocked.Read(ref _rentedBytes);

    /// <summary>Capacity of the size-classed buffers waiting in the pool for reuse.</summary>
    public long IdleBytes => Interlocked.Read(ref _idleBytes);

    /// <summary>Fallback rents so far (budget exhausted or oversize, together).</summary>
    public long FallbackCount => Interlocked.Read(ref _fallbackCount);

    /// <summary>Bytes of all fallback rents so far (budget exhausted or oversize, together).</summary>
    public long FallbackBytes => Interlocked.Read(ref _fallbackBytes);

    /// <summary>Bytes of the fallback buffers rented out now; they are freed on return.</summary>
    public long FallbackRentedBytes => Interlocked.Read(ref _fallbackRentedBytes);

    /// <summary>The rents above <see cref="LargestPooledLength"/> so far; a subset of <see cref="FallbackCount"/>.</summary>
    public long OversizeCount => Interlocked.Read(ref _oversizeCount);

    /// <summary>Idle buffers freed so far to make room in the budget for another size class.</summary>
    public long EvictedCount => Interlocked.Read(ref _evictedCount);

    /// <summary>Second returns of a lease so far (ignored outside debug mode, thrown in debug mode).</summary>
    public long DoubleReturnCount => Interlocked.Read(ref _doubleReturnCount);

    /// <summary>Leases (pooled and fallback) rented and not yet returned.</summary>
    public int OutstandingCount => Volatile.Read(ref _outstandingCount);

    /// <summary>Rents a buffer of at least <paramref name="length"/> bytes; its <see cref="PinnedBuffer.Length"/> is exactly <paramref name="length"/>.</summary>
    public PinnedBuffer Rent(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var sizeClass = SizeClasses.IndexOf(length);
        var buffer = sizeClass >= 0 ? TryRentPooled(sizeClass) : null;
        if (buffer is null)
        {
            buffer = RentFallback(length, oversize: sizeClass < 0);
        }
        else
        {
            Interlocked.Add(ref _rentedBytes, buffer.Capacity);
        }

        buffer.MarkRented(length);
        Interlocked.Increment(ref _outstandingCount);
        if (_leases is not null)
        {
            buffer.RecordRent(new StackTrace(fNeedFileInfo: true), Interlocked.Increment(ref _rentSequence), _time.GetTimestamp());
            _leases.TryAdd(buffer, 0);
        }

        return buffer;
    }

    /// <summary>
    /// The leases not yet returned. In debug mode one record per lease, oldest first, with its rent
    /// stack; otherwise no records, only <see cref="OutstandingCount"/> and a note saying how to get them.
    /// </summary>
    public PinnedBufferLeakReport GetLeakReport()
    {
        var outstanding = OutstandingCount;
        if (_leases is null)
        {
            return new PinnedBufferLeakReport(
                isTracked: false,
                outstanding,
                [],
                $"{outstanding} pinned buffer(s) outstanding; rent sites are recorded only in debug mode (--pinned-memory-pool-debug).");
        }

        var now = _time.GetTimestamp();
        var leaks = new List<PinnedBufferLeak>();
        foreach (var (buffer, _) in _leases)
        {
            leaks.Add(new PinnedBufferLeak(
                buffer.Length,
                buffer.Capacity,
                buffer.IsFallback,
                buffer.RentSequence,
                _time.GetElapsedTime(buffer.RentTimestamp, now),
                LeaseStackText.Format(buffer.RentStack, PoolType, LeaseType)));
        }

        leaks.Sort(static (a, b) => a.RentSequence.CompareTo(b.RentSequence));
        return new PinnedBufferLeakReport(isTracked: true, outstanding, leaks, $"{leaks.Count} pinned buffer(s) outstanding.");
    }

    /// <summary>Frees the idle buffers. Buffers still rented stay valid and are freed when returned.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        FreeIdle();
    }

    internal void Return(PinnedBuffer buffer)
    {
        Interlocked.Decrement(ref _outstandingCount);
        _leases?.TryRemove(buffer, out _);
        var capacity = buffer.Capacity;
        if (buffer.IsFallback)
        {
            buffer.Free();
            Interlocked.Add(ref _fallbackRentedBytes, -capacity);
            return;
        }

        Interlocked.Add(ref _rentedBytes, -capacity);
        if (Volatile.Read(ref _disposed) != 0)
        {
            FreePooled(buffer);
            return;
        }

        if (_leases is not null)
        {
            buffer = buffer.Retire();
        }
        else
        {
            buffer.ResetLength();
        }

        // Count before the push (and uncount after the pop), so IdleBytes never reads below what is idle.
        Interlocked.Add(ref _idleBytes, capacity);
        _classes[buffer.SizeClass].Enqueue(buffer);

        // A Dispose that drained the stacks just before the push would miss this buffer.
        if (Volatile.Read(ref _disposed) != 0)
        {
            FreeIdle();
        }
    }

    internal void OnDoubleReturn(PinnedBuffer buffer)
    {
        Interlocked.Increment(ref _doubleReturnCount);
        if (_leases is not null)
        {
            ThrowDoubleReturn(buffer);
        }
    }

    private PinnedBuffer? TryRentPooled(int sizeClass)
    {
        var capacity = SizeClasses.CapacityOf(sizeClass);
        var stack = _classes[sizeClass];
        while (true)
        {
            if (stack.TryDequeue(out var idle))
            {
                Interlocked.Add(ref _idleBytes, -capacity);
                return idle;
            }

            if (TryReserve(capacity))
            {
                try
                {
                    return new PinnedBuffer(this, sizeClass, capacity);
                }
                catch
                {
                    Interlocked.Add(ref _allocatedBytes, -capacity);
                    throw;
                }
            }

            if (!TryEvictForRoom(sizeClass, capacity))
            {
                // A buffer of this class may have come back while the others were searched.
                if (stack.TryDequeue(out idle))
                {
                    Interlocked.Add(ref _idleBytes, -capacity);
                    return idle;
                }

                return null;
            }
        }
    }

    /// <summary>Adds <paramref name="capacity"/> to <see cref="AllocatedBytes"/> only if the sum stays within the budget.</summary>
    private bool TryReserve(int capacity)
    {
        var current = Interlocked.Read(ref _allocatedBytes);
        while (true)
        {
            var next = current + capacity;
            if (next > ByteBudget)
            {
                return false;
            }

            var seen = Interlocked.CompareExchange(ref _allocatedBytes, next, current);
            if (seen == current)
            {
                return true;
            }

            current = seen;
        }
    }

    /// <summary>Frees one idle buffer of another size class, largest class first; false when none could help.</summary>
    private bool TryEvictForRoom(int sizeClass, int capacity)
    {
        // Hopeless when the bytes that are not idle plus this buffer already exceed the budget: freeing
        // every idle buffer would still leave no room, so keep them for their own classes.
        if (capacity > ByteBudget || AllocatedBytes - IdleBytes + capacity > ByteBudget)
        {
            return false;
        }

        for (var i = _classes.Length - 1; i >= 0; i--)
        {
            if (i != sizeClass && _classes[i].TryDequeue(out var victim))
            {
                Interlocked.Add(ref _idleBytes, -victim.Capacity);
                FreePooled(victim);
                Interlocked.Increment(ref _evictedCount);
                return true;
            }
        }

        return false;
    }

    private PinnedBuffer RentFallback(int length, bool oversize)
    {
        var buffer = new PinnedBuffer(this, sizeClass: -1, length);
        Interlocked.Increment(ref _fallbackCount);
        Interlocked.Add(ref _fallbackBytes, length);
        Interlocked.Add(ref _fallbackRentedBytes, length);
        if (oversize)
        {
            Interlocked.Increment(ref _oversizeCount);
        }

        return buffer;
    }

    private void FreePooled(PinnedBuffer buffer)
    {
        // Free first, then uncount: AllocatedBytes never reads below what is allocated.
        buffer.Free();
        Interlocked.Add(ref _allocatedBytes, -buffer.Capacity);
    }

    private void FreeIdle()
    {
        foreach (var stack in _classes)
        {
            while (stack.TryDequeue(out var buffer))
            {
                Interlocked.Add(ref _idleBytes, -buffer.Capacity);
                FreePooled(buffer);
            }
        }
    }

    private static void ThrowDoubleReturn(PinnedBuffer buffer) =>
        throw new InvalidOperationException(
            LeaseStackText.DoubleReturn($"Pinned buffer ({buffer.Capacity} bytes)", buffer.ReturnStack, buffer.RentStack, PoolType, LeaseType));
}
