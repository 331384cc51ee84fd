using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using InferenceServer.Core.Memory;
using InferenceServer.Core.Tests.Infrastructure;

namespace InferenceServer.Core.Tests.Memory;

public class DeviceMemoryPoolTests
{
    private const int Smallest = 4096;

    [Fact]
    public void Constructor_Defaults_BudgetIs64MiBAndTheDeviceIsTheAllocators()
    {
        using var pool = new DeviceMemoryPool(new CountingDeviceAllocator(deviceOrdinal: 3));

        Assert.Equal(64L << 20, DeviceMemoryPool.DefaultByteBudget);
        Assert.Equal(DeviceMemoryPool.DefaultByteBudget, pool.ByteBudget);
        Assert.Equal(256 << 20, DeviceMemoryPool.LargestPooledLength);
        Assert.Equal(3, pool.DeviceOrdinal);
        Assert.False(pool.IsDebug);
        Assert.Throws<ArgumentOutOfRangeException>(() => new DeviceMemoryPool(new HostBackedDeviceAllocator(), byteBudget: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HostBackedDeviceAllocator(deviceOrdinal: -1));
        Assert.Contains("GPU 3", new HostBackedDeviceAllocator(3).Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, Smallest)]
    [InlineData(1, Smallest)]
    [InlineData(Smallest, Smallest)]
    [InlineData(Smallest + 1, 2 * Smallest)]
    [InlineData(1 << 20, 1 << 20)]
    [InlineData((1 << 20) + 1, 2 << 20)]
    public void Rent_Length_GetsPowerOfTwoSizeClassAndKeepsTheLengthAskedFor(int length, int expectedCapacity)
    {
        var allocator = new CountingDeviceAllocator();
        using var pool = new DeviceMemoryPool(allocator);

        using var buffer = pool.Rent(length);

        Assert.Equal((length, expectedCapacity, false, true), (buffer.Length, buffer.Capacity, buffer.IsOverflow, buffer.IsRented));
        Assert.Equal(expectedCapacity, allocator.Ledger.LastAllocationBytes);
        Assert.True(allocator.Ledger.IsLive(buffer.Address));
        Assert.Equal((expectedCapacity, expectedCapacity, 0L, 1), (pool.AllocatedBytes, pool.RentedBytes, pool.IdleBytes, pool.OutstandingCount));
    }

    [Fact]
    public void Rent_SameClassAfterReturn_ReusesTheBlockWithoutAllocating()
    {
        var allocator = new CountingDeviceAllocator();
        using var pool = new DeviceMemoryPool(allocator);
        var first = pool.Rent(100);
        var address = first.Address;
        first.Dispose();
        Assert.False(first.IsRented);
        Assert.Equal(0, first.Address);
        Assert.Equal((Smallest, 0L), (pool.IdleBytes, pool.RentedBytes));

        using var second = pool.Rent(3000);

        Assert.NotSame(first, second);
        Assert.Equal(address, second.Address);
        Assert.Equal(3000, second.Length);
        Assert.Equal((1L, 0L), (allocator.Ledger.Allocations, allocator.Ledger.Frees));
        Assert.Equal((Smallest, Smallest, 0L), (pool.AllocatedBytes, pool.RentedBytes, pool.IdleBytes));
        Assert.False(first.IsRented);
    }

    [Fact]
    public void Rent_BudgetFull_OverflowsExactSizeCountedAndFreedOnReturn()
    {
        var allocator = new CountingDeviceAllocator();
        using var pool = new DeviceMemoryPool(allocator, byteBudget: Smallest);
        using var pooled = pool.Rent(Smallest);

        var overflow = pool.Rent(1000);

        Assert.Equal((true, 1000, 1000, true), (overflow.IsOverflow, overflow.Capacity, overflow.Length, overflow.IsRented));
        Assert.Equal(1000, allocator.Ledger.LastAllocationBytes);
        Assert.Equal((1L, 1000L, 1000L), (pool.OverflowCount, pool.OverflowBytes, pool.OverflowRentedBytes));
        Assert.Equal((Smallest, Smallest, 2), (pool.AllocatedBytes, pool.RentedBytes, pool.OutstandingCount));

        overflow.Dispose();

        Assert.False(overflow.IsRented);
        Assert.Equal((1L, Smallest), (allocator.Ledger.Frees, allocator.Ledger.LiveBytes));
        Assert.Equal((1L, 1000L, 0L), (pool.OverflowCount, pool.OverflowBytes, pool.OverflowRentedBytes));
        Assert.Equal((Smallest, 0L, 1), (pool.AllocatedBytes, pool.IdleBytes, pool.OutstandingCount));
    }

    [Fact]
    public void Rent_AboveLargestClass_IsOverflowEvenWithRoomAndLeavesIdleBlocks()
    {
        var allocator = new CountingDeviceAllocator();
        using var pool = new DeviceMemoryPool(allocator, byteBudget: long.MaxValue);
        pool.Rent(Smallest).Dispose();

        var buffer = pool.Rent(DeviceMemoryPool.LargestPooledLength + 1);

        Assert.True(buffer.IsOverflow);
        Assert.Equal(DeviceMemoryPool.LargestPooledLength + 1, buffer.Capacity);
        Assert.Equal((1L, 0L, Smallest), (pool.OverflowCount, pool.EvictedCount, pool.IdleBytes));
        buffer.Dispose();
        Assert.Equal(0, pool.OverflowRentedBytes);
        Assert.Equal(Smallest, allocator.Ledger.LiveBytes);
    }

    [Fact]
    public void Rent_ZeroBudget_CachesNothingAndAsksTheAllocatorForAtLeastOneByte()
    {
        var allocator = new CountingDeviceAllocator();
        using var pool = new DeviceMemoryPool(allocator, byteBudget: 0);
        pool.Rent(10).Dispose();

        using var empty = pool.Rent(0);

        Assert.True(empty.IsOverflow);
        Assert.Equal((0, 1), (empty.Length, empty.Capacity));
        Assert.Equal(1, allocator.Ledger.LastAllocationBytes);
        Assert.Equal((2L, 1L), (allocator.Ledger.Allocations, allocator.Ledger.Frees));
        Assert.Equal((0L, 0L), (pool.AllocatedBytes, pool.IdleBytes));
        Assert.Equal((2L, 11L), (pool.OverflowCount, pool.OverflowBytes));
    }

    [Fact]
    public void Rent_OverBudgetWithIdleBlocksOfOtherClasses_EvictsLargestClassFirstUntilItFits()
    {
        // 20 KiB budget: idle 8 KiB + 4 KiB, then a 16 KiB rent needs 8 KiB freed. Freeing the largest
        // idle class first makes room with one eviction and keeps the 4 KiB block.
        var allocator = new CountingDeviceAllocator();
        using var pool = new DeviceMemoryPool(allocator, byteBudget: 5 * Smallest);
        var medium = pool.Rent(2 * Smallest);
        var small = pool.Rent(Smallest);
        var smallAddress = small.Address;
        medium.Dispose();
        small.Dispose();

        using var large = pool.Rent(4 * Smallest);

        Assert.False(large.IsOverflow);
        Assert.Equal(4 * Smallest, large.Capacity);
        Assert.Equal((1L, 0L), (pool.EvictedCount, pool.OverflowCount));
        Assert.Equal((5L * Smallest, (long)Smallest), (pool.AllocatedBytes, pool.IdleBytes));
        // One free, of the medium block (the allocator may hand its address to the new block, so count, not address).
        Assert.Equal(1L, allocator.Ledger.Frees);
        Assert.True(allocator.Ledger.IsLive(smallAddress));

        using var smallAgain = pool.Rent(1);
        Assert.Equal(smallAddress, smallAgain.Address);
        Assert.Equal((3L, 1L), (allocator.Ledger.Allocations, allocator.Ledger.Frees));
    }

    [Fact]
    public void Rent_OverBudgetWhenEvictingCannotMakeRoom_OverflowsAndKeepsTheIdleBlocks()
    {
        // 16 KiB budget with 8 KiB rented: a 16 KiB rent cannot fit even with the idle 4 KiB freed.
        var allocator = new CountingDeviceAllocator();
        using var pool = new DeviceMemoryPool(allocator, byteBudget: 4 * Smallest);
        using var held = pool.Rent(2 * Smallest);
        pool.Rent(Smallest).Dispose();

        using var large = pool.Rent(4 * Smallest);

        Assert.True(large.IsOverflow);
        Assert.Equal(0, pool.EvictedCount);
        Assert.Equal((3L * Smallest, (long)Smallest), (pool.AllocatedBytes, pool.IdleBytes));
        Assert.Equal(0, allocator.Ledger.Frees);
    }

    [Theory]
    [InlineData(false, 100)]
    [InlineData(false, 3 * Smallest)]
    [InlineData(true, 100)]
    [InlineData(true, 3 * Smallest)]
    public void Rent_AllocatorFails_ThrowsAndLeavesTheCountersAsTheyWere(bool debug, int length)
    {
        // 16 KiB budget with two 4 KiB blocks rented: 100 bytes needs a new pooled block; 12 KiB (the
        // 16 KiB class) cannot fit, so it needs an overflow block.
        var allocator = new CountingDeviceAllocator();
        using var pool = new DeviceMemoryPool(allocator, byteBudget: 4 * Smallest, debug);
        using var first = pool.Rent(1);
        using var second = pool.Rent(1);
        var before = Counters(pool);

        allocator.Ledger.FailNextAllocation();
        Assert.Throws<OutOfMemoryException>(() => pool.Rent(length));

        Assert.Equal(before, Counters(pool));
        Assert.Equal((2L, 0L), (allocator.Ledger.Allocations, allocator.Ledger.Frees));
        var report = pool.GetLeakReport();
        Assert.Equal(2, report.OutstandingCount);
        Assert.Equal(debug ? 2 : 0, report.Leaks.Count);

        // The pool is still usable: the same rent succeeds once the allocator does.
        using var buffer = pool.Rent(length);
        Assert.Equal((length, length != 100), (buffer.Length, buffer.IsOverflow));
    }

    [Fact]
    public void Rent_AllocatorReturnsAddressZero_ThrowsNamingItAndCountsNothing()
    {
        var allocator = new ZeroAddressAllocator();
        using var pool = new DeviceMemoryPool(allocator);

        var ex = Assert.Throws<InvalidOperationException>(() => pool.Rent(100));

        Assert.Contains(allocator.Description, ex.Message, StringComparison.Ordinal);
        Assert.Equal((0L, 0L, 0), (pool.AllocatedBytes, pool.RentedBytes, pool.OutstandingCount));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Dispose_PoolWithLeasesOut_FreesIdleBlocksNowTheRestOnReturnAndBalancesTheAllocator(bool debug)
    {
        var allocator = new CountingDeviceAllocator();
        var pool = new DeviceMemoryPool(allocator, byteBudget: 4 * Smallest, debug);
        var idle = pool.Rent(1);
        var held = pool.Rent(2 * Smallest);
        var overflow = pool.Rent(4 * Smallest);
        Assert.True(overflow.IsOverflow);
        idle.Dispose();

        pool.Dispose();

        Assert.Equal(1, allocator.Ledger.Frees);
        Assert.Equal((2L * Smallest, 0L, 2), (pool.AllocatedBytes, pool.IdleBytes, pool.OutstandingCount));
        Assert.Throws<ObjectDisposedException>(() => pool.Rent(1));

        held.Dispose();
        overflow.Dispose();

        Assert.Equal(3, allocator.Ledger.Allocations);
        Assert.Equal(allocator.Ledger.Allocations, allocator.Ledger.Frees);
        Assert.Equal(0, allocator.Ledger.LiveBytes);
        Assert.Equal((0L, 0L, 0L, 0), (pool.AllocatedBytes, pool.RentedBytes, pool.OverflowRentedBytes, pool.OutstandingCount));

        // Disposing twice is harmless.
        pool.Dispose();
    }

    [Fact]
    public void GetLeakReport_Debug_ListsOutstandingLeasesOldestFirstWithTheirRentSites()
    {
        var clock = new FakeClock();
        using var pool = new DeviceMemoryPool(new CountingDeviceAllocator(deviceOrdinal: 1), byteBudget: Smallest, debug: true, timeProvider: clock);
        var first = pool.Rent(100);
        clock.Advance(TimeSpan.FromSeconds(5));
        var second = RentInHelper(pool, 2 * Smallest);
        clock.Advance(TimeSpan.FromSeconds(2));

        var report = pool.GetLeakReport();

        // Oldest first, numbered from the pool's first rent; records compared without their stacks, then the stacks.
        Assert.Equal((true, 2), (report.IsTracked, report.OutstandingCount));
        Assert.Collection(
            report.Leaks,
            a => Assert.Equal(new DeviceBufferLeak(100, Smallest, false, 1, TimeSpan.FromSeconds(7), ""), a with { RentStackTrace = "" }),
            b => Assert.Equal(new DeviceBufferLeak(2 * Smallest, 2 * Smallest, true, 2, TimeSpan.FromSeconds(2), ""), b with { RentStackTrace = "" }));

        // The pool's own frames are left out: each stack starts at the caller.
        var (firstStack, secondStack) = (report.Leaks[0].RentStackTrace.Split('\n'), report.Leaks[1].RentStackTrace.Split('\n'));
        Assert.Contains(nameof(GetLeakReport_Debug_ListsOutstandingLeasesOldestFirstWithTheirRentSites), firstStack[0], StringComparison.Ordinal);
        Assert.Contains(nameof(RentInHelper), secondStack[0], StringComparison.Ordinal);
        Assert.DoesNotContain(firstStack.Concat(secondStack), line => line.Contains("Memory.DeviceMemoryPool.", StringComparison.Ordinal));
        var text = report.ToString();
        Assert.StartsWith("2 device buffer(s) outstanding on GPU 1.", text, StringComparison.Ordinal);
        Assert.Contains($"Lease #2: {2 * Smallest} of {2 * Smallest} device bytes (overflow), rented 00:00:02 ago at:", text, StringComparison.Ordinal);

        // A returned lease leaves the report; the other stays.
        first.Dispose();
        Assert.Equal(2, Assert.Single(pool.GetLeakReport().Leaks).RentSequence);
        second.Dispose();
        var empty = pool.GetLeakReport();
        Assert.Equal((0, 0), (empty.OutstandingCount, empty.Leaks.Count));
    }

    [Fact]
    public void GetLeakReport_NotDebug_HasNoRecordsButCountsAndSaysHowToGetThem()
    {
        using var pool = new DeviceMemoryPool(new CountingDeviceAllocator());
        using var a = pool.Rent(1);
        using var b = pool.Rent(DeviceMemoryPool.LargestPooledLength + 1);

        var report = pool.GetLeakReport();

        Assert.Equal((false, 2, 0), (report.IsTracked, report.OutstandingCount, report.Leaks.Count));
        Assert.StartsWith("2 device buffer(s) outstanding on GPU 0;", report.Note, StringComparison.Ordinal);
        Assert.Contains("debug mode", report.Note, StringComparison.Ordinal);
        Assert.Equal(report.Note, report.ToString());
    }

    [Fact]
    public void Dispose_TwiceInDebug_ThrowsWithTheStackOfTheFirstReturn()
    {
        using var pool = new DeviceMemoryPool(new CountingDeviceAllocator(), debug: true);
        var buffer = pool.Rent(10);
        ReturnInHelper(buffer);

        var ex = Assert.Throws<InvalidOperationException>(buffer.Dispose);

        Assert.Contains("returned twice", ex.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(ReturnInHelper), ex.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(Dispose_TwiceInDebug_ThrowsWithTheStackOfTheFirstReturn), ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, pool.DoubleReturnCount);
        Assert.Equal((0L, 0, (long)Smallest), (pool.RentedBytes, pool.OutstandingCount, pool.IdleBytes));

        // The pool holds the block once: two rents get two different blocks.
        using var a = pool.Rent(10);
        using var b = pool.Rent(10);
        Assert.NotEqual(a.Address, b.Address);
        Assert.Equal(2 * Smallest, pool.AllocatedBytes);
    }

    [Fact]
    public void Dispose_TwiceInDebugAfterTheBlockWasRentedAgain_ThrowsAndLeavesTheNewOwnerAlone()
    {
        using var pool = new DeviceMemoryPool(new CountingDeviceAllocator(), debug: true);
        var stale = pool.Rent(10);
        var address = stale.Address;
        stale.Dispose();
        using var current = pool.Rent(20);
        Assert.Equal(address, current.Address);

        Assert.Throws<InvalidOperationException>(stale.Dispose);

        Assert.True(current.IsRented);
        Assert.Equal(address, current.Address);
        Assert.Equal((1, (long)Smallest), (pool.OutstandingCount, pool.RentedBytes));
        Marshal.WriteByte(current.Address, 19, 7);
        Assert.Equal(7, Marshal.ReadByte(current.Address, 19));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Dispose_TwiceNotDebug_IsCountedIgnoredAndFreesOrPoolsTheBlockOnce(bool overflow)
    {
        var allocator = new CountingDeviceAllocator();
        using var pool = new DeviceMemoryPool(allocator, byteBudget: overflow ? 0 : DeviceMemoryPool.DefaultByteBudget);
        var buffer = pool.Rent(10);
        Assert.Equal(overflow, buffer.IsOverflow);
        buffer.Dispose();

        buffer.Dispose();

        Assert.Equal(1, pool.DoubleReturnCount);
        Assert.Equal((0, 0L, 0L), (pool.OutstandingCount, pool.RentedBytes, pool.OverflowRentedBytes));
        Assert.Equal(overflow ? 1 : 0, allocator.Ledger.Frees);
        Assert.Equal(overflow ? 0 : Smallest, pool.IdleBytes);

        // The block is idle once, not twice: two rents get two different blocks.
        using var a = pool.Rent(10);
        using var b = pool.Rent(10);
        Assert.NotEqual(a.Address, b.Address);
    }

    private static (long AllocatedBytes, long RentedBytes, long IdleBytes, long OverflowCount, long OverflowBytes, long OverflowRentedBytes, int OutstandingCount) Counters(DeviceMemoryPool pool) =>
        (pool.AllocatedBytes, pool.RentedBytes, pool.IdleBytes, pool.OverflowCount, pool.OverflowBytes, pool.OverflowRentedBytes, pool.OutstandingCount);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static DeviceBuffer RentInHelper(DeviceMemoryPool pool, int length) => pool.Rent(length);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ReturnInHelper(DeviceBuffer buffer) => buffer.Dispose();

    /// <summary>Breaks the allocator contract: hands out address 0, which the pool uses to mark a returned lease.</summary>
    private sealed class ZeroAddressAllocator : IDeviceMemoryAllocator
    {
        public string Description => "zero-address test allocator";

        public int DeviceOrdinal => 0;

        public nint Allocate(nuint bytes) => 0;

        public void Free(nint address) => throw new InvalidOperationException("Nothing was allocated, so nothing may be freed.");
    }
}
