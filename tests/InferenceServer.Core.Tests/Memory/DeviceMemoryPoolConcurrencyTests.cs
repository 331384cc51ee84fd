using System.Collections.Concurrent;
using System.Numerics;
using InferenceServer.Core.Memory;
using InferenceServer.Core.Tests.Infrastructure;

namespace InferenceServer.Core.Tests.Memory;

/// <summary>
/// Eight workers rent and return device blocks thousands of times against a 256 KiB budget, in both
/// modes. Lengths up to 40,000 bytes (and now and then one past the largest class) make blocks get
/// reused, evicted for another class, and replaced by overflow blocks, all while other workers do the
/// same. The blocks are host-backed, so each owner stamps its first and last 64 bytes.
/// What must hold throughout and at the end:
/// <list type="number">
/// <item>Single ownership: an address is held by one worker at a time, and its stamp survives until that worker returns it.</item>
/// <item>The budget: <see cref="DeviceMemoryPool.AllocatedBytes"/> read after each rent and return is at most 256 KiB.</item>
/// <item>Lease shape: the length asked for; a pooled capacity a power of two of 4 KiB or more covering it, an overflow capacity exactly max(length, 1).</item>
/// <item>Pressure: overflow blocks and evictions both occurred, or the run proved nothing.</item>
/// <item>Balance: nothing outstanding, rented or returned twice; allocated bytes are the idle bytes, within the budget, and the allocator holds exactly those.</item>
/// <item>Cleanup: after Dispose the allocator has taken back every block it gave.</item>
/// </list>
/// </summary>
public class DeviceMemoryPoolConcurrencyTests
{
    private const int Workers = 8;
    private const int Cycles = 4000;
    private const long Budget = 256 * 1024;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RentReturn_ManyWorkersManyCycles_KeepsOwnershipBudgetAndAccountingExact(bool debug)
    {
        var allocator = new CountingDeviceAllocator();
        var pool = new DeviceMemoryPool(allocator, Budget, debug);
        var owners = new ConcurrentDictionary<nint, int>();
        var failures = new ConcurrentQueue<string>();
        using var start = new Barrier(Workers);

        void CheckBudget(int worker)
        {
            var allocated = pool.AllocatedBytes;
            if (allocated > Budget)
            {
                failures.Enqueue($"worker {worker}: {allocated} allocated, budget {Budget}");
            }
        }

        void Work(int worker)
        {
            var random = new Random(worker);
            var held = new List<(DeviceBuffer Buffer, byte Tag)>(3);
            start.SignalAndWait();
            for (var cycle = 0; cycle < Cycles; cycle++)
            {
                // Mostly small and medium blocks, now and then one above the largest class.
                var length = random.Next(1000) == 0 ? DeviceMemoryPool.LargestPooledLength + random.Next(1, 64) : random.Next(0, 40_000);
                var buffer = pool.Rent(length);
                if (!owners.TryAdd(buffer.Address, worker))
                {
                    failures.Enqueue($"worker {worker} got block 0x{buffer.Address:x}, which worker {owners.GetValueOrDefault(buffer.Address)} still holds");
                }

                var shapeOk = buffer.IsOverflow
                    ? buffer.Capacity == Math.Max(length, 1)
                    : buffer.Capacity >= Math.Max(length, 4096) && BitOperations.IsPow2(buffer.Capacity);
                if (!shapeOk || buffer.Length != length)
                {
                    failures.Enqueue($"worker {worker}: bad lease for {length}: length {buffer.Length}, capacity {buffer.Capacity}, overflow {buffer.IsOverflow}");
                }

                CheckBudget(worker);
                var tag = (byte)((worker * 31) + cycle);
                MarkEdges(buffer, tag);
                held.Add((buffer, tag));

                // Hold up to three blocks so returns interleave with other workers' rents.
                if (held.Count == 3 || cycle == Cycles - 1)
                {
                    foreach (var (owned, expected) in held)
                    {
                        if (!EdgesStillMarked(owned, expected))
                        {
                            failures.Enqueue($"worker {worker}: a block changed while it owned it");
                        }

                        // Give up ownership before the return: the next owner may rent it at once.
                        owners.TryRemove(owned.Address, out _);
                        owned.Dispose();
                        CheckBudget(worker);
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
        Assert.True(pool.OverflowCount > 0, "the budget never bound, so the test proved nothing");
        Assert.True(pool.EvictedCount > 0, "no idle block was ever freed to make room");
        Assert.Equal((0, 0L, 0L, 0L), (pool.OutstandingCount, pool.RentedBytes, pool.OverflowRentedBytes, pool.DoubleReturnCount));
        Assert.Equal(pool.IdleBytes, pool.AllocatedBytes);
        Assert.InRange(pool.AllocatedBytes, 1, Budget);
        Assert.Equal(pool.IdleBytes, allocator.Ledger.LiveBytes);
        Assert.Empty(pool.GetLeakReport().Leaks);

        pool.Dispose();

        Assert.Equal(allocator.Ledger.Allocations, allocator.Ledger.Frees);
        Assert.Equal(0, allocator.Ledger.LiveBytes);
        Assert.Equal(0, pool.AllocatedBytes);
    }

    /// <summary>Writes <paramref name="tag"/> over the first and last 64 bytes of the block: enough to see another writer.</summary>
    private static void MarkEdges(DeviceBuffer buffer, byte tag)
    {
        var bytes = Bytes(buffer);
        var edge = Math.Min(bytes.Length, 64);
        bytes[..edge].Fill(tag);
        bytes[^edge..].Fill(tag);
    }

    private static bool EdgesStillMarked(DeviceBuffer buffer, byte tag)
    {
        var bytes = Bytes(buffer);
        var edge = Math.Min(bytes.Length, 64);
        return bytes[..edge].IndexOfAnyExcept(tag) < 0 && bytes[^edge..].IndexOfAnyExcept(tag) < 0;
    }

    /// <summary>The block's bytes: a host-backed device address is an ordinary host pointer.</summary>
    private static unsafe Span<byte> Bytes(DeviceBuffer buffer) => new((void*)buffer.Address, buffer.Capacity);
}
