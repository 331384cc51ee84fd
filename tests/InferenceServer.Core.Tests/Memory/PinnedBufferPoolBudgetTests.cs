using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using InferenceServer.Core.Memory;
using InferenceServer.Core.Tests.Infrastructure;

namespace InferenceServer.Core.Tests.Memory;

public class PinnedBufferPoolBudgetTests
{
    private const int Smallest = 4096;

    [Fact]
    public void Rent_OverBudgetWithIdleBuffersOfOtherClasses_FreesLargestClassFirstUntilItFits()
    {
        // 20 KiB budget: idle 8 KiB + 4 KiB, then a 16 KiB rent needs 8 KiB freed. Freeing the largest
        // idle class first makes room with one eviction and keeps the 4 KiB buffer.
        using var pool = new PinnedBufferPool(byteBudget: 5 * Smallest);
        var medium = pool.Rent(2 * Smallest);
        var small = pool.Rent(Smallest);
        medium.Dispose();
        small.Dispose();
        Assert.Equal(3 * Smallest, pool.IdleBytes);

        using var large = pool.Rent(4 * Smallest);

        Assert.False(large.IsFallback);
        Assert.Equal(4 * Smallest, large.Capacity);
        Assert.Equal(1, pool.EvictedCount);
        Assert.Equal(0, pool.FallbackCount);
        Assert.Equal(5 * Smallest, pool.AllocatedBytes);
        Assert.Equal(Smallest, pool.IdleBytes);
        Assert.Equal(IntPtr.Zero, medium.Pointer);

        using var smallAgain = pool.Rent(1);
        Assert.Same(small, smallAgain);
    }

    [Fact]
    public void Rent_OverBudgetNeedingEveryIdleBuffer_FreesThemAllAndStaysPooled()
    {
        using var pool = new PinnedBufferPool(byteBudget: 4 * Smallest);
        var medium = pool.Rent(2 * Smallest);
        var small = pool.Rent(Smallest);
        medium.Dispose();
        small.Dispose();

        using var large = pool.Rent(4 * Smallest);

        Assert.False(large.IsFallback);
        Assert.Equal(2, pool.EvictedCount);
        Assert.Equal(4 * Smallest, pool.AllocatedBytes);
        Assert.Equal(0, pool.IdleBytes);
    }

    [Fact]
    public void Rent_OverBudgetWhenFreeingIdleBuffersCannotMakeRoom_FallsBackAndKeepsThem()
    {
        // 16 KiB budget with 8 KiB rented: a 16 KiB rent cannot fit even with the idle 4 KiB freed.
        using var pool = new PinnedBufferPool(byteBudget: 4 * Smallest);
        using var held = pool.Rent(2 * Smallest);
        pool.Rent(Smallest).Dispose();

        using var large = pool.Rent(4 * Smallest);

        Assert.True(large.IsFallback);
        Assert.Equal(0, pool.EvictedCount);
        Assert.Equal(Smallest, pool.IdleBytes);
        Assert.Equal(3 * Smallest, pool.AllocatedBytes);
    }

    [Fact]
    public void Rent_BudgetExhausted_FallbackIsUsableAlignedCountedAndFreedOnReturn()
    {
        using var pool = new PinnedBufferPool(byteBudget: Smallest);
        var pooled = pool.Rent(Smallest);

        var fallback = pool.Rent(1000);

        Assert.True(fallback.IsFallback);
        Assert.True(fallback.IsRented);
        Assert.Equal(1000, fallback.Capacity);
        Assert.Equal(1000, fallback.Length);
        Assert.Equal(0, fallback.Pointer % PinnedBufferPool.Alignment);
        Assert.Equal(1, pool.FallbackCount);
        Assert.Equal(1000, pool.FallbackBytes);
        Assert.Equal(1000, pool.FallbackRentedBytes);
        Assert.Equal(0, pool.OversizeCount);
        Assert.Equal(Smallest, pool.AllocatedBytes);
        Assert.Equal(Smallest, pool.RentedBytes);
        Assert.Equal(2, pool.OutstandingCount);

        // Every byte is writable and reads back through the span, the memory and the pointer.
        for (var i = 0; i < fallback.Length; i++)
        {
            fallback.Span[i] = (byte)i;
        }

        Assert.Equal(999 % 256, fallback.Memory.Span[999]);
        Assert.Equal(123, Marshal.ReadByte(fallback.Pointer, 123));
        Assert.Equal(500 % 256, fallback.Memory[500..].Span[0]);

        fallback.Dispose();

        Assert.False(fallback.IsRented);
        Assert.Equal(IntPtr.Zero, fallback.Pointer);
        Assert.Equal(0, fallback.Span.Length);
        Assert.Equal(0, pool.FallbackRentedBytes);
        Assert.Equal(1000, pool.FallbackBytes);
        Assert.Equal(1, pool.OutstandingCount);
        Assert.Equal(Smallest, pool.AllocatedBytes);

        // Once the pooled buffer is back, the next rent is pooled again.
        pooled.Dispose();
        using var again = pool.Rent(1000);
        Assert.Same(pooled, again);
        Assert.Equal(1, pool.FallbackCount);
    }

    [Fact]
    public void Rent_AboveLargestClass_IsOversizeFallbackEvenWithRoomAndLeavesIdleBuffers()
    {
        using var pool = new PinnedBufferPool(byteBudget: long.MaxValue);
        pool.Rent(PinnedBufferPool.LargestPooledLength).Dispose();

        var buffer = pool.Rent(PinnedBufferPool.LargestPooledLength + 1);

        Assert.True(buffer.IsFallback);
        Assert.Equal(PinnedBufferPool.LargestPooledLength + 1, buffer.Capacity);
        Assert.Equal(0, buffer.Pointer % PinnedBufferPool.Alignment);
        Assert.Equal(1, pool.OversizeCount);
        Assert.Equal(1, pool.FallbackCount);
        Assert.Equal(PinnedBufferPool.LargestPooledLength + 1L, pool.FallbackBytes);
        Assert.Equal(0, pool.EvictedCount);
        Assert.Equal(PinnedBufferPool.LargestPooledLength, pool.IdleBytes);
        buffer.Dispose();
        Assert.Equal(0, pool.FallbackRentedBytes);
        Assert.Equal(PinnedBufferPool.LargestPooledLength, pool.AllocatedBytes);
    }

    /// <summary>
    /// 16 workers × 2000 cycles rent buffers of 1 B–32 KiB (size classes 4–32 KiB) against a 64 KiB
    /// budget, holding up to four each (so even one worker alone can run out of budget), while
    /// reservations, evictions and fallbacks race.
    /// Invariants checked:
    /// <list type="number">
    /// <item>The pooled buffers held at any moment, summed by the workers themselves, never exceed the budget.</item>
    /// <item><see cref="PinnedBufferPool.AllocatedBytes"/> never exceeds the budget, read by every worker after every rent and by a sampler spinning throughout.</item>
    /// <item>Every buffer is exactly as long as asked and 64-byte aligned; a fallback is exactly as large as asked.</item>
    /// <item>The budget binds (there are fallbacks and evictions), and when all are done nothing is rented, every fallback is freed and the pool holds only idle bytes within the budget.</item>
    /// </list>
    /// </summary>
    [Fact]
    public async Task Rent_ManyWorkersOverSmallBudget_NeverExceedsTheBudget()
    {
        const int Workers = 16;
        const int Cycles = 2000;
        const long Budget = 64 * 1024;
        using var pool = new PinnedBufferPool(Budget);
        long heldPooledBytes = 0;
        long maxSampled = 0;
        var done = 0;
        var failures = new ConcurrentQueue<string>();
        using var start = new Barrier(Workers + 1);

        void Work(int worker)
        {
            var random = new Random(worker);
            var held = new List<PinnedBuffer>(4);
            start.SignalAndWait();
            for (var cycle = 0; cycle < Cycles; cycle++)
            {
                var length = random.Next(1, 32 * 1024 + 1);
                var buffer = pool.Rent(length);
                if (!buffer.IsFallback)
                {
                    var nowHeld = Interlocked.Add(ref heldPooledBytes, buffer.Capacity);
                    if (nowHeld > Budget)
                    {
                        failures.Enqueue($"worker {worker}: {nowHeld} pooled bytes held at once, budget {Budget}");
                    }
                }
                else if (buffer.Capacity != length)
                {
                    failures.Enqueue($"worker {worker}: fallback of {buffer.Capacity} bytes for {length}");
                }

                var allocated = pool.AllocatedBytes;
                if (allocated > Budget)
                {
                    failures.Enqueue($"worker {worker}: AllocatedBytes {allocated} over budget {Budget}");
                }

                if (buffer.Length != length || buffer.Pointer % PinnedBufferPool.Alignment != 0)
                {
                    failures.Enqueue($"worker {worker}: bad buffer for {length}: length {buffer.Length}, address {buffer.Pointer}");
                }

                buffer.Span[0] = 1;
                buffer.Span[^1] = 2;
                held.Add(buffer);
                if (held.Count == 4 || cycle == Cycles - 1)
                {
                    foreach (var owned in held)
                    {
                        if (!owned.IsFallback)
                        {
                            Interlocked.Add(ref heldPooledBytes, -owned.Capacity);
                        }

                        owned.Dispose();
                    }

                    held.Clear();
                }
            }
        }

        void Sample()
        {
            start.SignalAndWait();
            while (Volatile.Read(ref done) == 0)
            {
                var allocated = pool.AllocatedBytes;
                if (allocated > Interlocked.Read(ref maxSampled))
                {
                    Interlocked.Exchange(ref maxSampled, allocated);
                }
            }
        }

        var sampler = Task.Factory.StartNew(Sample, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var tasks = Enumerable.Range(0, Workers)
            .Select(w => Task.Factory.StartNew(() => Work(w), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default))
            .ToArray();
        try
        {
            await Task.WhenAll(tasks).WithTimeout();
        }
        finally
        {
            Volatile.Write(ref done, 1);
        }

        await sampler.WithTimeout();

        Assert.Empty(failures);
        Assert.InRange(Interlocked.Read(ref maxSampled), 1, Budget);
        Assert.True(pool.FallbackCount > 0, "the budget never bound, so the test proved nothing");
        Assert.True(pool.EvictedCount > 0, "no idle buffer was ever freed to make room");
        Assert.Equal(0, pool.OutstandingCount);
        Assert.Equal(0, pool.RentedBytes);
        Assert.Equal(0, pool.FallbackRentedBytes);
        Assert.Equal(pool.IdleBytes, pool.AllocatedBytes);
        Assert.InRange(pool.AllocatedBytes, 0, Budget);

        pool.Dispose();
        Assert.Equal(0, pool.AllocatedBytes);
        Assert.Equal(0, pool.IdleBytes);
    }
}
