using System.Collections.Concurrent;
using InferenceServer.Core.Memory;
using InferenceServer.Core.Tests.Infrastructure;

namespace InferenceServer.Core.Tests.Memory;

/// <summary>
/// N workers × many cycles rent and return buffers of mixed sizes against a small budget in debug
/// mode, so reuse, evictions, budget fallbacks and oversize fallbacks all race with each other.
/// Invariants checked:
/// <list type="number">
/// <item>A rented buffer has exactly one owner: no other worker holds it, and the bytes its owner wrote stay intact until it is returned.</item>
/// <item>While a worker holds a pooled buffer, <see cref="PinnedBufferPool.RentedBytes"/> and <see cref="PinnedBufferPool.AllocatedBytes"/> count at least its capacity; while it holds a fallback buffer, <see cref="PinnedBufferPool.FallbackRentedBytes"/> does.</item>
/// <item><see cref="PinnedBufferPool.AllocatedBytes"/> never exceeds the budget.</item>
/// <item>Every buffer is 64-byte aligned and at least as long as asked.</item>
/// <item>When all workers are done: rents equal returns, nothing is outstanding or rented, no return was a double return, and the pool holds only idle bytes within the budget.</item>
/// <item>Disposing the pool then frees exactly what the counters say it holds (<see cref="PinnedBufferPool.AllocatedBytes"/> reaches 0).</item>
/// </list>
/// </summary>
public class PinnedBufferPoolConcurrencyTests
{
    private const int Workers = 8;
    private const int Cycles = 3000;
    private const long Budget = 256 * 1024;

    [Fact]
    public async Task RentReturn_ManyWorkersManyCycles_KeepsOwnershipAndAccountingExact()
    {
        var pool = new PinnedBufferPool(Budget, debug: true);
        var owners = new ConcurrentDictionary<PinnedBuffer, int>(ReferenceEqualityComparer.Instance);
        long rents = 0, returns = 0;
        var failures = new ConcurrentQueue<string>();
        using var start = new Barrier(Workers);

        void Work(int worker)
        {
            var random = new Random(worker);
            var held = new List<(PinnedBuffer Buffer, byte Tag)>(3);
            start.SignalAndWait();
            for (var cycle = 0; cycle < Cycles; cycle++)
            {
                // Mostly small and medium buffers, now and then one above the largest class.
                var length = random.Next(500) == 0 ? (64 << 20) + random.Next(1, 64) : random.Next(0, 40_000);
                var buffer = pool.Rent(length);
                Interlocked.Increment(ref rents);
                if (!owners.TryAdd(buffer, worker))
                {
                    failures.Enqueue($"worker {worker} got a buffer worker {owners.GetValueOrDefault(buffer)} still holds");
                }

                if (buffer.Length != length || buffer.Capacity < length || buffer.Pointer % PinnedBufferPool.Alignment != 0)
                {
                    failures.Enqueue($"worker {worker}: bad buffer for {length}: length {buffer.Length}, capacity {buffer.Capacity}, address {buffer.Pointer}");
                }

                if (buffer.IsFallback
                    ? pool.FallbackRentedBytes < buffer.Capacity
                    : pool.RentedBytes < buffer.Capacity || pool.AllocatedBytes < buffer.Capacity)
                {
                    failures.Enqueue($"worker {worker}: counters below a held buffer ({pool.RentedBytes} rented, {pool.AllocatedBytes} allocated, {pool.FallbackRentedBytes} fallback)");
                }

                if (pool.AllocatedBytes > Budget)
                {
                    failures.Enqueue($"worker {worker}: {pool.AllocatedBytes} allocated, budget {Budget}");
                }

                var tag = (byte)((worker * 31) + cycle);
                Mark(buffer.Span).Fill(tag);
                Mark(buffer.Span[^Math.Min(buffer.Length, 64)..]).Fill(tag);
                held.Add((buffer, tag));

                // Hold up to three buffers so returns interleave with other workers' rents.
                if (held.Count == 3 || cycle == Cycles - 1)
                {
                    foreach (var (owned, expected) in held)
                    {
                        if (Mark(owned.Span).IndexOfAnyExcept(expected) >= 0 || Mark(owned.Span[^Math.Min(owned.Length, 64)..]).IndexOfAnyExcept(expected) >= 0)
                        {
                            failures.Enqueue($"worker {worker}: a buffer changed while it owned it");
                        }

                        owners.TryRemove(owned, out _);
                        owned.Dispose();
                        Interlocked.Increment(ref returns);
                    }

                    held.Clear();
                }
            }
        }

        var tasks = Enumerable.Range(0, Workers)
            .Select(w => Task.Factory.StartNew(() => Work(w), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default))
            .ToArray();
        await Task.WhenAll(tasks).WithTimeout();

        Assert.Empty(failures);
        Assert.Equal((long)Workers * Cycles, Interlocked.Read(ref rents));
        Assert.Equal(rents, Interlocked.Read(ref returns));
        Assert.Empty(owners);
        Assert.Equal(0, pool.OutstandingCount);
        Assert.Empty(pool.GetLeakReport().Leaks);
        Assert.Equal(0, pool.DoubleReturnCount);
        Assert.Equal(0, pool.RentedBytes);
        Assert.Equal(0, pool.FallbackRentedBytes);
        Assert.True(pool.OversizeCount > 0 && pool.FallbackCount > pool.OversizeCount, "both kinds of fallback should have raced");
        Assert.Equal(pool.IdleBytes, pool.AllocatedBytes);
        Assert.InRange(pool.AllocatedBytes, 0, Budget);

        pool.Dispose();
        Assert.Equal(0, pool.AllocatedBytes);
        Assert.Equal(0, pool.IdleBytes);
    }

    // The bytes a worker stamps: all of a small buffer, the first 64 KiB of a large one (touching all
    // 64 MiB of an oversize buffer would only measure memset).
    private static Span<byte> Mark(Span<byte> span) => span[..Math.Min(span.Length, 64 * 1024)];

    [Fact]
    public async Task RentReturn_SameSizeClassFromManyWorkers_ReusesWithoutGrowingPastWorkerCount()
    {
        // Invariants: each worker holds one buffer at a time, so the pool never needs more buffers than
        // workers; with a budget of exactly that, it never allocates past it and nothing is evicted.
        using var pool = new PinnedBufferPool(byteBudget: Workers * 4096, debug: true);
        using var start = new Barrier(Workers);

        void Work()
        {
            start.SignalAndWait();
            for (var cycle = 0; cycle < Cycles; cycle++)
            {
                using var buffer = pool.Rent(1000);
                buffer.Span[0] = 1;
            }
        }

        var tasks = Enumerable.Range(0, Workers)
            .Select(_ => Task.Factory.StartNew(Work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default))
            .ToArray();
        await Task.WhenAll(tasks).WithTimeout();

        Assert.Equal(0, pool.OutstandingCount);
        Assert.Equal(0, pool.RentedBytes);
        Assert.Equal(0, pool.EvictedCount);
        Assert.Equal(0, pool.DoubleReturnCount);
        Assert.InRange(pool.AllocatedBytes, 4096, Workers * 4096);
        Assert.Equal(pool.AllocatedBytes, pool.IdleBytes);
    }
}
