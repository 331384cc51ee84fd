using System.Collections.Concurrent;

namespace InferenceServer.Core.Tests.Memory;

/// <summary>
/// The books of a test allocator: every block handed out and every block taken back, by address. A
/// free of an address that is not live (a double free, or a pointer the allocator never returned)
/// throws instead of reaching the real allocator, so a pool that frees wrongly fails its test rather
/// than corrupting the heap. It can also be told to fail the next allocation.
/// </summary>
internal sealed class AllocationLedger
{
    private readonly ConcurrentDictionary<nint, nuint> _live = new();
    private long _allocations;
    private long _frees;
    private long _allocatedBytes;
    private long _liveBytes;
    private long _lastAllocationBytes;
    private int _failNext;

    /// <summary>Blocks handed out so far.</summary>
    public long Allocations => Interlocked.Read(ref _allocations);

    /// <summary>Blocks taken back so far.</summary>
    public long Frees => Interlocked.Read(ref _frees);

    /// <summary>Bytes of all blocks handed out so far.</summary>
    public long AllocatedBytes => Interlocked.Read(ref _allocatedBytes);

    /// <summary>Bytes of the blocks handed out and not yet taken back.</summary>
    public long LiveBytes => Interlocked.Read(ref _liveBytes);

    /// <summary>Size asked for by the latest allocation.</summary>
    public long LastAllocationBytes => Interlocked.Read(ref _lastAllocationBytes);

    /// <summary>Whether <paramref name="address"/> was handed out and not yet taken back.</summary>
    public bool IsLive(nint address) => _live.ContainsKey(address);

    /// <summary>The next allocation throws <see cref="OutOfMemoryException"/> (once).</summary>
    public void FailNextAllocation() => Volatile.Write(ref _failNext, 1);

    /// <summary>Throws the injected failure if one is pending; call before allocating.</summary>
    public void ThrowIfFailureInjected()
    {
        if (Interlocked.Exchange(ref _failNext, 0) == 1)
        {
            throw new OutOfMemoryException("Allocation failure injected by the test.");
        }
    }

    public void RecordAllocation(nint address, nuint bytes)
    {
        if (!_live.TryAdd(address, bytes))
        {
            throw new InvalidOperationException($"Address 0x{address:x} handed out while still live.");
        }

        Interlocked.Increment(ref _allocations);
        Interlocked.Add(ref _allocatedBytes, (long)bytes);
        Interlocked.Add(ref _liveBytes, (long)bytes);
        Interlocked.Exchange(ref _lastAllocationBytes, (long)bytes);
    }

    /// <summary>Takes <paramref name="address"/> off the books; throws when it is not live.</summary>
    public void RecordFree(nint address)
    {
        if (!_live.TryRemove(address, out var bytes))
        {
            throw new InvalidOperationException($"Free of 0x{address:x}, which is not a live allocation.");
        }

        Interlocked.Increment(ref _frees);
        Interlocked.Add(ref _liveBytes, -(long)bytes);
    }
}
