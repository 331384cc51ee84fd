using System.Runtime.CompilerServices;
using InferenceServer.Core.Memory;

namespace InferenceServer.Core.Tests.Memory;

public class PinnedBufferPoolDebugTests
{
    private const int Smallest = 4096;

    [Fact]
    public void GetLeakReport_Debug_ListsOutstandingLeasesOldestFirstWithTheirRentSites()
    {
        var clock = new ManualClock();
        using var pool = new PinnedBufferPool(debug: true, timeProvider: clock);
        var first = pool.Rent(100);
        clock.Advance(TimeSpan.FromSeconds(5));
        var second = RentInHelper(pool, PinnedBufferPool.LargestPooledLength + 1);
        clock.Advance(TimeSpan.FromSeconds(2));

        var report = pool.GetLeakReport();

        Assert.True(report.IsTracked);
        Assert.Equal(2, report.OutstandingCount);
        Assert.Equal(2, report.Leaks.Count);
        var (a, b) = (report.Leaks[0], report.Leaks[1]);
        Assert.True(a.RentSequence < b.RentSequence);
        Assert.Equal((100, Smallest, false), (a.Length, a.Capacity, a.IsFallback));
        Assert.Equal((PinnedBufferPool.LargestPooledLength + 1, true), (b.Length, b.IsFallback));
        Assert.Equal(TimeSpan.FromSeconds(7), a.Age);
        Assert.Equal(TimeSpan.FromSeconds(2), b.Age);
        Assert.Contains(nameof(GetLeakReport_Debug_ListsOutstandingLeasesOldestFirstWithTheirRentSites), a.RentStackTrace, StringComparison.Ordinal);
        Assert.Contains(nameof(RentInHelper), b.RentStackTrace, StringComparison.Ordinal);

        // The pool's own frames are left out: the first line is the caller.
        Assert.DoesNotContain("PinnedBufferPool.Rent", a.RentStackTrace, StringComparison.Ordinal);
        Assert.Contains(nameof(RentInHelper), b.RentStackTrace.Split('\n')[0], StringComparison.Ordinal);
        Assert.Contains(nameof(RentInHelper), report.ToString(), StringComparison.Ordinal);

        first.Dispose();
        var after = pool.GetLeakReport();
        Assert.Equal(1, after.OutstandingCount);
        Assert.Equal(b.RentSequence, Assert.Single(after.Leaks).RentSequence);

        second.Dispose();
        Assert.Empty(pool.GetLeakReport().Leaks);
    }

    [Fact]
    public void GetLeakReport_NotDebug_HasNoRecordsButCountsAndSaysHowToGetThem()
    {
        using var pool = new PinnedBufferPool();
        using var a = pool.Rent(1);
        using var b = pool.Rent(1);

        var report = pool.GetLeakReport();

        Assert.False(report.IsTracked);
        Assert.Empty(report.Leaks);
        Assert.Equal(2, report.OutstandingCount);
        Assert.Contains("debug", report.Note, StringComparison.Ordinal);
        Assert.Contains("2", report.Note, StringComparison.Ordinal);
    }

    [Fact]
    public void Dispose_TwiceInDebug_ThrowsWithTheStackOfTheFirstReturn()
    {
        using var pool = new PinnedBufferPool(debug: true);
        var buffer = pool.Rent(10);
        ReturnInHelper(buffer);

        var ex = Assert.Throws<InvalidOperationException>(buffer.Dispose);

        Assert.Contains("twice", ex.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(ReturnInHelper), ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, pool.DoubleReturnCount);
        Assert.Equal(0, pool.RentedBytes);
        Assert.Equal(0, pool.OutstandingCount);
        Assert.Equal(Smallest, pool.IdleBytes);

        // The pool holds the memory once: two rents get two different blocks.
        using var a = pool.Rent(10);
        using var b = pool.Rent(10);
        Assert.NotEqual(a.Pointer, b.Pointer);
        Assert.Equal(2 * Smallest, pool.AllocatedBytes);
    }

    [Fact]
    public void Dispose_TwiceInDebugAfterTheMemoryWasRentedAgain_ThrowsAndLeavesTheNewOwnerAlone()
    {
        using var pool = new PinnedBufferPool(debug: true);
        var stale = pool.Rent(10);
        var address = stale.Pointer;
        stale.Dispose();
        using var current = pool.Rent(20);
        Assert.Equal(address, current.Pointer);
        Assert.NotSame(stale, current);

        Assert.Throws<InvalidOperationException>(stale.Dispose);

        Assert.True(current.IsRented);
        Assert.Equal(1, pool.OutstandingCount);
        Assert.Equal(Smallest, pool.RentedBytes);
        current.Span.Fill(7);
        Assert.Equal(7, current.Span[19]);
    }

    [Fact]
    public void UseAfterReturn_InDebug_IsVisibleAndReachesNoMemory()
    {
        using var pool = new PinnedBufferPool(debug: true);
        var buffer = pool.Rent(100);
        var memory = buffer.Memory;
        Assert.True(buffer.IsRented);

        buffer.Dispose();

        Assert.False(buffer.IsRented);
        Assert.Equal(0, buffer.Length);
        Assert.Equal(0, buffer.Span.Length);
        Assert.Equal(IntPtr.Zero, buffer.Pointer);
        Assert.ThrowsAny<ArgumentException>(() => memory.Span.Length);
        Assert.Throws<ObjectDisposedException>(() => memory.Pin());
    }

    [Fact]
    public void Dispose_TwiceNotDebug_IsCountedAndLeavesThePoolIntact()
    {
        using var pool = new PinnedBufferPool();
        var buffer = pool.Rent(10);
        buffer.Dispose();

        buffer.Dispose();

        Assert.Equal(1, pool.DoubleReturnCount);
        Assert.Equal(0, pool.OutstandingCount);
        Assert.Equal(0, pool.RentedBytes);
        Assert.Equal(Smallest, pool.IdleBytes);
        Assert.Equal(Smallest, pool.AllocatedBytes);

        // The buffer is idle once, not twice: two rents get two different buffers.
        using var a = pool.Rent(10);
        using var b = pool.Rent(10);
        Assert.NotSame(a, b);
        Assert.NotEqual(a.Pointer, b.Pointer);
        Assert.Equal(2 * Smallest, pool.AllocatedBytes);
        Assert.Equal(0, pool.IdleBytes);
    }

    [Fact]
    public void Dispose_FallbackTwiceNotDebug_IsCountedAndFreesOnce()
    {
        using var pool = new PinnedBufferPool(byteBudget: 0);
        var buffer = pool.Rent(PinnedBufferPool.LargestPooledLength + 1);
        buffer.Dispose();

        buffer.Dispose();

        Assert.Equal(1, pool.DoubleReturnCount);
        Assert.Equal(0, pool.OutstandingCount);
        Assert.Equal(0, pool.FallbackRentedBytes);
    }

    [Fact]
    public void Dispose_FallbackTwiceInDebug_Throws()
    {
        using var pool = new PinnedBufferPool(byteBudget: 0, debug: true);
        var buffer = pool.Rent(100);
        ReturnInHelper(buffer);

        var ex = Assert.Throws<InvalidOperationException>(buffer.Dispose);

        Assert.Contains(nameof(ReturnInHelper), ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, pool.FallbackRentedBytes);
        Assert.Equal(0, pool.OutstandingCount);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static PinnedBuffer RentInHelper(PinnedBufferPool pool, int length) => pool.Rent(length);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ReturnInHelper(PinnedBuffer buffer) => buffer.Dispose();

    private sealed class ManualClock : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Read(ref _ticks);

        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }
}
