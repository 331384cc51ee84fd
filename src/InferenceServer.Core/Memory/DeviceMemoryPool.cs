using System.Diagnostics;

namespace InferenceServer.Core.Memory;

/// <summary>
/// One GPU's pool of device memory (Triton's <c>--cuda-memory-pool-byte-size</c>), handed out as
/// <see cref="DeviceBuffer"/> leases in power-of-two size classes from 4 KiB to 256 MiB, so a model
/// instance does not pay a driver allocation (and the device synchronisation that comes with its free)
/// for every batch.
/// </summary>
/// <remarks>
/// <para>
/// <b>Budget.</b> <see cref="ByteBudget"/> bounds the device bytes held in size-classed blocks, rented
/// and idle together (<see cref="AllocatedBytes"/>). When a new block does not fit, idle blocks of
/// other size classes are freed, largest class first, to make room (<see cref="EvictedCount"/>), unless
/// even freeing all of them would not.
/// </para>
/// <para>
/// <b>Growable.</b> A rent that still does not fit, or is longer than <see cref="LargestPooledLength"/>,
/// gets an exact-size <i>overflow</i> block from the allocator, outside the budget and freed when
/// returned (<see cref="OverflowCount"/>, <see cref="OverflowBytes"/>, <see cref="OverflowRentedBytes"/>).
/// So a rent fails only when the allocator does (out of device memory): its exception reaches the
/// renter and the counters stay as they were, apart from idle blocks already freed to make room.
/// </para>
/// <para>
/// <b>Debug mode.</b> With <c>debug: true</c> every lease remembers where it was rented
/// (<see cref="GetLeakReport"/>) and a second return throws with the stack of the first. Without it a
/// second return is counted in <see cref="DoubleReturnCount"/> and ignored.
/// </para>
/// <para>
/// <b>One lock.</b> GPU buffers are rented per batch, not per request, so one lock guards the idle
/// blocks, the counters and the allocator calls: <see cref="AllocatedBytes"/> is at every moment
/// exactly the device memory held in size-classed blocks, and <c>AllocatedBytes == RentedBytes +
/// IdleBytes</c> holds in every reading taken under it.
/// </para>
/// </remarks>
public sealed class DeviceMemoryPool : IDisposable
{
    /// <summary>Default <see cref="ByteBudget"/>: 64 MiB per GPU, Triton's <c>--cuda-memory-pool-byte-size</c> default.</summary>
    public const long DefaultByteBudget = 64L << 20;

    /// <summary>The largest size class (256 MiB): larger model inputs and outputs are rare enough to be overflow blocks.</summary>
    public const int LargestPooledLength = 1 << LargestClassLog2;

    private const int SmallestClassLog2 = 12;
    private const int LargestClassLog2 = 28;
    private const string PoolType = $"InferenceServer.Core.Memory.{nameof(DeviceMemoryPool)}";
    private const string LeaseType = $"InferenceServer.Core.Memory.{nameof(DeviceBuffer)}";

    private static readonly PowerOfTwoSizeClasses SizeClasses = new(SmallestClassLog2, LargestClassLog2);

    private readonly Lock _lock = new();
    private readonly IDeviceMemoryAllocator _allocator;
    private readonly Stack<nint>[] _idle;
    private readonly SortedDictionary<long, DeviceBuffer>? _leases;
    private readonly TimeProvider _time;
    private long _allocatedBytes;
    private long _rentedBytes;
    private long _idleBytes;
    private long _overflowCount;
    private long _overflowBytes;
    private long _overflowRentedBytes;
    private long _evictedCount;
    private long _doubleReturnCount;
    private long _rentSequence;
    private int _outstandingCount;
    private bool _disposed;

    /// <param name="allocator">The GPU's memory: every block is allocated and freed through it.</param>
    /// <param name="byteBudget">Most device bytes held in size-classed blocks, rented and idle together (0 or more; 0 keeps nothing, every rent is an overflow block).</param>
    /// <param name="debug">Record each lease's rent stack for <see cref="GetLeakReport"/> and throw on a double return (tests, leak hunting; slower).</param>
    /// <param name="timeProvider">Clock for the ages in <see cref="GetLeakReport"/>; <see cref="TimeProvider.System"/> when null.</param>
    public DeviceMemoryPool(IDeviceMemoryAllocator allocator, long byteBudget = DefaultByteBudget, bool debug = false, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(allocator);
        ArgumentOutOfRangeException.ThrowIfNegative(byteBudget);
        _allocator = allocator;
        ByteBudget = byteBudget;
        _time = timeProvider ?? TimeProvider.System;
        _idle = new Stack<nint>[SizeClasses.Count];
        for (var i = 0; i < _idle.Length; i++)
        {
            _idle[i] = new Stack<nint>();
        }

        if (debug)
        {
            _leases = [];
        }
    }

    /// <summary>The GPU whose memory this pool holds.</summary>
    public int DeviceOrdinal => _allocator.DeviceOrdinal;

    /// <summary>Most device bytes held in size-classed blocks, rented and idle together.</summary>
    public long ByteBudget { get; }

    /// <summary>Whether the pool records rent stacks and throws on double returns.</summary>
    public bool IsDebug => _leases is not null;

    /// <summary>Device bytes held in size-classed blocks, rented or idle (never above <see cref="ByteBudget"/>).</summary>
    public long AllocatedBytes => Read(ref _allocatedBytes);

    /// <summary>Capacity of the size-classed blocks rented out now (overflow blocks are in <see cref="OverflowRentedBytes"/>).</summary>
    public long RentedBytes => Read(ref _rentedBytes);

    /// <summary>Capacity of the size-classed blocks waiting for reuse.</summary>
    public long IdleBytes => Read(ref _idleBytes);

    /// <summary>Overflow rents so far (budget full or longer than the largest class).</summary>
    public long OverflowCount => Read(ref _overflowCount);

    /// <summary>Bytes of all overflow rents so far.</summary>
    public long OverflowBytes => Read(ref _overflowBytes);

    /// <summary>Bytes of the overflow blocks rented out now: device memory beyond the budget, freed on return.</summary>
    public long OverflowRentedBytes => Read(ref _overflowRentedBytes);

    /// <summary>Idle blocks freed so far to make room in the budget for another size class.</summary>
    public long EvictedCount => Read(ref _evictedCount);

    /// <summary>Second returns of a lease so far (ignored outside debug mode, thrown in debug mode).</summary>
    public long DoubleReturnCount => Read(ref _doubleReturnCount);

    /// <summary>Leases (size-classed and overflow) rented and not yet returned.</summary>
    public int OutstandingCount
    {
        get
        {
            lock (_lock)
            {
                return _outstandingCount;
            }
        }
    }

    /// <summary>
    /// Rents a block of at least <paramref name="length"/> bytes: an idle block of its size class, a
    /// new one within the budget, or an exact-size overflow block. Throws what the allocator throws.
    /// </summary>
    public DeviceBuffer Rent(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var rentStack = IsDebug ? new StackTrace(fNeedFileInfo: true) : null;
        var sizeClass = SizeClasses.IndexOf(length);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var capacity = sizeClass >= 0 ? SizeClasses.CapacityOf(sizeClass) : 0;
            var address = sizeClass >= 0 ? TryRentPooled(sizeClass, capacity) : 0;
            if (address != 0)
            {
                _rentedBytes += capacity;
            }
            else
            {
                sizeClass = -1;
                capacity = Math.Max(length, 1);
                address = Allocate(capacity);
                _overflowCount++;
                _overflowBytes += capacity;
                _overflowRentedBytes += capacity;
            }

            _outstandingCount++;
            var buffer = new DeviceBuffer(this, address, length, capacity, sizeClass, ++_rentSequence, _time.GetTimestamp(), rentStack);
            _leases?.Add(buffer.RentSequence, buffer);
            return buffer;
        }
    }

    /// <summary>
    /// The leases not yet returned. In debug mode one record per lease, oldest first, with its rent
    /// stack; otherwise no records, only <see cref="OutstandingCount"/>.
    /// </summary>
    public DeviceBufferLeakReport GetLeakReport()
    {
        int outstanding;
        DeviceBuffer[] leased;
        lock (_lock)
        {
            outstanding = _outstandingCount;
            leased = _leases is null ? [] : [.. _leases.Values];
        }

        if (_leases is null)
        {
            return new DeviceBufferLeakReport(
                isTracked: false,
                outstanding,
                [],
                $"{outstanding} device buffer(s) outstanding on GPU {DeviceOrdinal}; rent sites are recorded only when the pool is created in debug mode.");
        }

        var now = _time.GetTimestamp();
        var leaks = Array.ConvertAll(leased, buffer => new DeviceBufferLeak(
            buffer.Length,
            buffer.Capacity,
            buffer.IsOverflow,
            buffer.RentSequence,
            _time.GetElapsedTime(buffer.RentTimestamp, now),
            LeaseStackText.Format(buffer.RentStack, PoolType, LeaseType)));
        return new DeviceBufferLeakReport(isTracked: true, outstanding, leaks, $"{leaks.Length} device buffer(s) outstanding on GPU {DeviceOrdinal}.");
    }

    /// <summary>Frees the idle blocks. Blocks still rented stay valid and are freed when returned; no rent is served after this.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            for (var i = 0; i < _idle.Length; i++)
            {
                while (_idle[i].TryPop(out var address))
                {
                    FreeIdle(address, SizeClasses.CapacityOf(i));
                }
            }
        }
    }

    internal void Return(DeviceBuffer buffer, nint address)
    {
        lock (_lock)
        {
            _outstandingCount--;
            _leases?.Remove(buffer.RentSequence);
            if (buffer.IsOverflow)
            {
                _allocator.Free(address);
                _overflowRentedBytes -= buffer.Capacity;
                return;
            }

            _rentedBytes -= buffer.Capacity;
            if (_disposed)
            {
                _allocator.Free(address);
                _allocatedBytes -= buffer.Capacity;
                return;
            }

            _idle[buffer.SizeClass].Push(address);
            _idleBytes += buffer.Capacity;
        }
    }

    internal void OnDoubleReturn(DeviceBuffer buffer)
    {
        lock (_lock)
        {
            _doubleReturnCount++;
        }

        if (IsDebug)
        {
            throw new InvalidOperationException(LeaseStackText.DoubleReturn(
                $"Device buffer ({buffer.Capacity} bytes on GPU {DeviceOrdinal})", buffer.ReturnStack, buffer.RentStack, PoolType, LeaseType));
        }
    }

    /// <summary>Under the lock: an idle block of the class, or a new one if it fits the budget (after evictions); 0 when it does not fit.</summary>
    private nint TryRentPooled(int sizeClass, int capacity)
    {
        if (_idle[sizeClass].TryPop(out var address))
        {
            _idleBytes -= capacity;
            return address;
        }

        if (!MakeRoom(sizeClass, capacity))
        {
            return 0;
        }

        address = Allocate(capacity);
        _allocatedBytes += capacity;
        return address;
    }

    /// <summary>Under the lock: whether a new block of <paramref name="capacity"/> fits, freeing idle blocks of other classes, largest first, if that makes it fit.</summary>
    private bool MakeRoom(int sizeClass, int capacity)
    {
        // Hopeless when the blocks in use plus this one exceed the budget: freeing every idle block
        // would still leave no room, so keep them for their own classes.
        if (_allocatedBytes - _idleBytes + capacity > ByteBudget)
        {
            return false;
        }

        for (var i = _idle.Length - 1; i >= 0 && _allocatedBytes + capacity > ByteBudget; i--)
        {
            while (i != sizeClass && _allocatedBytes + capacity > ByteBudget && _idle[i].TryPop(out var victim))
            {
                FreeIdle(victim, SizeClasses.CapacityOf(i));
                _evictedCount++;
            }
        }

        return _allocatedBytes + capacity <= ByteBudget;
    }

    /// <summary>Under the lock: a block from the allocator, held to its contract (never address 0, which marks a returned lease).</summary>
    private nint Allocate(int bytes)
    {
        var address = _allocator.Allocate((nuint)bytes);
        if (address == 0)
        {
            throw new InvalidOperationException($"The device memory allocator ({_allocator.Description}) returned address 0.");
        }

        return address;
    }

    /// <summary>Under the lock: frees an idle block (already taken off its stack), then uncounts it.</summary>
    private void FreeIdle(nint address, int capacity)
    {
        _allocator.Free(address);
        _idleBytes -= capacity;
        _allocatedBytes -= capacity;
    }

    private long Read(ref long counter)
    {
        lock (_lock)
        {
            return counter;
        }
    }
}
