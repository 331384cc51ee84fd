using InferenceServer.Core.Memory;

namespace InferenceServer.Core.Tests.Memory;

public class PinnedBufferPoolAllocatorTests
{
    private const int Smallest = 4096;

    [Fact]
    public void Allocator_NotGiven_IsPageableAlignedHostMemory()
    {
        using var pool = new PinnedBufferPool();

        Assert.Same(AlignedHostAllocator.Instance, pool.Allocator);
        Assert.Equal("pageable host memory", pool.Allocator.Description);
    }

    [Fact]
    public void Rent_PooledThroughTheAllocator_FallbackAndOversizeFromPageableMemory()
    {
        var allocator = new CountingHostAllocator();
        using var pool = new PinnedBufferPool(byteBudget: Smallest, allocator: allocator);
        Assert.Same(allocator, pool.Allocator);

        var pooled = pool.Rent(100);
        Assert.Equal((1, Smallest), (allocator.Ledger.Allocations, allocator.Ledger.LastAllocationBytes));
        Assert.True(allocator.Ledger.IsLive(pooled.Pointer));

        // Over the budget and over the largest class: plain pageable memory, never the (page-locking) allocator.
        var fallback = pool.Rent(1000);
        var oversize = pool.Rent(PinnedBufferPool.LargestPooledLength + 1);
        Assert.True(fallback.IsFallback);
        Assert.True(oversize.IsFallback);
        Assert.Equal(1, allocator.Ledger.Allocations);
        Assert.False(allocator.Ledger.IsLive(fallback.Pointer));
        fallback.Span.Fill(1);
        oversize.Span[^1] = 1;
        fallback.Dispose();
        oversize.Dispose();
        Assert.Equal(0, allocator.Ledger.Frees);
        Assert.Equal(Smallest, allocator.Ledger.LiveBytes);

        // A pooled buffer goes back to its class and is reused without another allocation.
        var address = pooled.Pointer;
        pooled.Dispose();
        using var again = pool.Rent(200);
        Assert.Equal(address, again.Pointer);
        Assert.Equal(1, allocator.Ledger.Allocations);
        Assert.Equal(0, allocator.Ledger.Frees);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Dispose_AfterEveryLeaseIsReturned_FreesEveryAllocation(bool debug)
    {
        var allocator = new CountingHostAllocator();
        var pool = new PinnedBufferPool(byteBudget: 4 * Smallest, debug, allocator: allocator);

        // Pooled buffers of two classes, a budget fallback, an eviction, and one lease still out when the pool goes.
        var medium = pool.Rent(2 * Smallest);
        var small = pool.Rent(Smallest);
        var overBudget = pool.Rent(2 * Smallest);
        Assert.True(overBudget.IsFallback);
        medium.Dispose();
        small.Dispose();
        overBudget.Dispose();
        var large = pool.Rent(4 * Smallest);
        Assert.Equal(2, pool.EvictedCount);
        var held = pool.Rent(1);
        Assert.True(held.IsFallback);
        large.Dispose();

        pool.Dispose();
        Assert.Equal(1, pool.OutstandingCount);
        // The lease still out is a fallback (pageable memory): every allocator block is already freed.
        Assert.Equal(allocator.Ledger.Allocations, allocator.Ledger.Frees);

        held.Dispose();

        Assert.Equal(3, allocator.Ledger.Allocations);
        Assert.Equal(allocator.Ledger.Allocations, allocator.Ledger.Frees);
        Assert.Equal(0, allocator.Ledger.LiveBytes);
        Assert.Equal(0, pool.AllocatedBytes);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Rent_AllocatorFails_ThrowsAndLeavesTheCountersAsTheyWere(bool debug)
    {
        // 16 KiB budget with 4 KiB rented and 4 KiB idle: 100 bytes, once the idle buffer is rented too,
        // needs a new pooled buffer in the 4 KiB class.
        const int length = 100;
        var allocator = new CountingHostAllocator();
        using var pool = new PinnedBufferPool(byteBudget: 4 * Smallest, debug, allocator: allocator);
        using var rented = pool.Rent(1);
        pool.Rent(1).Dispose();
        using var idleTaken = pool.Rent(1);
        var before = Counters(pool);

        allocator.Ledger.FailNextAllocation();
        Assert.Throws<OutOfMemoryException>(() => pool.Rent(length));

        Assert.Equal(before, Counters(pool));
        Assert.Equal(2, allocator.Ledger.Allocations);
        Assert.Equal(0, allocator.Ledger.Frees);
        Assert.Equal(before.OutstandingCount, pool.GetLeakReport().OutstandingCount);
        Assert.Equal(debug ? before.OutstandingCount : 0, pool.GetLeakReport().Leaks.Count);

        // The pool is still usable: the same rent succeeds once the allocator does.
        using var buffer = pool.Rent(length);
        Assert.Equal(length, buffer.Length);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Rent_AnyKind_HandsOutTheAllocatorsBlock64ByteAligned(bool debug)
    {
        var allocator = new CountingHostAllocator();
        using var pool = new PinnedBufferPool(byteBudget: 8 * Smallest, debug, allocator: allocator);
        var buffers = new List<PinnedBuffer>();
        for (var length = 1; length < 20 * Smallest; length = (length * 3) + 7)
        {
            buffers.Add(pool.Rent(length));
        }

        Assert.Contains(buffers, b => b.IsFallback);
        Assert.Contains(buffers, b => !b.IsFallback);
        Assert.All(buffers, b => Assert.Equal(0, b.Pointer % PinnedBufferPool.Alignment));
        Assert.All(buffers.Where(b => !b.IsFallback), b => Assert.True(allocator.Ledger.IsLive(b.Pointer)));
        Assert.All(buffers.Where(b => b.IsFallback), b => Assert.False(allocator.Ledger.IsLive(b.Pointer)));
        foreach (var buffer in buffers)
        {
            buffer.Dispose();
        }

        // Reused buffers (a fresh lease object in debug mode) keep the allocator's address.
        using var reused = pool.Rent(1);
        Assert.Equal(0, reused.Pointer % PinnedBufferPool.Alignment);
        Assert.True(allocator.Ledger.IsLive(reused.Pointer));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Rent_AllocatorBreaksItsContract_ThrowsNamingItAndFreesTheBadBlock(bool returnsNull)
    {
        var allocator = new BrokenAllocator(returnsNull);
        using var pool = new PinnedBufferPool(allocator: allocator);

        var ex = Assert.Throws<InvalidOperationException>(() => pool.Rent(100));

        Assert.Contains(allocator.Description, ex.Message, StringComparison.Ordinal);
        Assert.Contains(returnsNull ? "null" : "aligned", ex.Message, StringComparison.Ordinal);
        Assert.Equal(returnsNull ? 0 : 1, allocator.Frees);
        Assert.Equal(0, pool.AllocatedBytes);
        Assert.Equal(0, pool.OutstandingCount);
    }

    private static (long AllocatedBytes, long RentedBytes, long IdleBytes, long FallbackCount, long FallbackRentedBytes, int OutstandingCount) Counters(PinnedBufferPool pool) =>
        (pool.AllocatedBytes, pool.RentedBytes, pool.IdleBytes, pool.FallbackCount, pool.FallbackRentedBytes, pool.OutstandingCount);

    /// <summary>Returns null, or a block 8 bytes past a 64-byte boundary.</summary>
    private sealed unsafe class BrokenAllocator(bool returnsNull) : IHostMemoryAllocator
    {
        private const int Skew = 8;

        public int Frees { get; private set; }

        public string Description => returnsNull ? "null-returning test allocator" : "misaligning test allocator";

        public void* Allocate(nuint bytes) =>
            returnsNull ? null : (byte*)AlignedHostAllocator.Instance.Allocate(bytes + Skew) + Skew;

        public void Free(void* pointer)
        {
            Frees++;
            AlignedHostAllocator.Instance.Free((byte*)pointer - Skew);
        }
    }
}
