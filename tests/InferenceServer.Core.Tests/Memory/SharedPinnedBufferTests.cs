using System.Collections.Concurrent;
using InferenceServer.Core.Memory;
using InferenceServer.Core.Tests.Infrastructure;

namespace InferenceServer.Core.Tests.Memory;

public class SharedPinnedBufferTests
{
    [Fact]
    public void Release_ByEveryOwner_DisposesTheBufferOnlyAtTheLast()
    {
        using var pool = new PinnedBufferPool(debug: true);
        var buffer = pool.Rent(100);
        var shared = SharedPinnedBuffer.Create(buffer, owners: 3);
        Assert.Same(buffer, shared.Buffer);

        shared.Release();
        shared.Release();

        Assert.True(buffer.IsRented);
        Assert.Equal(1, shared.Owners);
        Assert.Equal(1, pool.OutstandingCount);
        Assert.Same(buffer, shared.Buffer);

        shared.Release();

        Assert.False(buffer.IsRented);
        Assert.Equal(0, shared.Owners);
        Assert.Equal(0, pool.OutstandingCount);
        Assert.Equal(0, pool.DoubleReturnCount);
    }

    [Fact]
    public void Release_MoreTimesThanOwners_ThrowsAndReturnsTheBufferOnce()
    {
        using var pool = new PinnedBufferPool(debug: true);
        var buffer = pool.Rent(100);
        var shared = SharedPinnedBuffer.Create(buffer, owners: 1);
        shared.Release();

        Assert.Throws<InvalidOperationException>(shared.Release);
        Assert.Throws<InvalidOperationException>(() => shared.Buffer);
        Assert.Equal(0, pool.DoubleReturnCount);
        Assert.Equal(0, pool.OutstandingCount);
    }

    [Fact]
    public void Create_BadArguments_Throws()
    {
        using var pool = new PinnedBufferPool();
        using var buffer = pool.Rent(1);

        Assert.Throws<ArgumentOutOfRangeException>(() => SharedPinnedBuffer.Create(buffer, 0));
        Assert.Throws<ArgumentNullException>(() => SharedPinnedBuffer.Create(null!, 1));
        Assert.True(buffer.IsRented);
    }

    [Fact]
    public void CreateRelease_SteadyState_AllocatesNothingBeyondTheBuffersOwnRentAndReturn()
    {
        using var pool = new PinnedBufferPool();
        const int Rounds = 1000;

        // Run each loop once before measuring, so one-time costs (statics, JIT, the holder pool's
        // first instance) fall outside the measurement.
        BufferOnly(pool, Rounds);
        WithHolder(pool, Rounds);

        var before = GC.GetAllocatedBytesForCurrentThread();
        BufferOnly(pool, Rounds);
        var bufferOnly = GC.GetAllocatedBytesForCurrentThread() - before;

        before = GC.GetAllocatedBytesForCurrentThread();
        WithHolder(pool, Rounds);
        var withHolder = GC.GetAllocatedBytesForCurrentThread() - before;

        // A holder allocated per round would add at least 24 bytes a round.
        Assert.InRange(withHolder - bufferOnly, long.MinValue, Rounds - 1);

        static void BufferOnly(PinnedBufferPool pool, int rounds)
        {
            for (var i = 0; i < rounds; i++)
            {
                pool.Rent(64).Dispose();
            }
        }

        static void WithHolder(PinnedBufferPool pool, int rounds)
        {
            for (var i = 0; i < rounds; i++)
            {
                var shared = SharedPinnedBuffer.Create(pool.Rent(64), 2);
                shared.Release();
                shared.Release();
            }
        }
    }

    /// <summary>
    /// Rounds of 64 holders, each shared by 8 workers that release them concurrently in their own
    /// random order; holders are reused across rounds. The pool runs in debug mode, so a buffer
    /// disposed twice throws and a buffer disposed early shows an empty span.
    /// Invariants checked:
    /// <list type="number">
    /// <item>Until a worker releases a holder, the holder's buffer is still rented and holds the bytes written before sharing.</item>
    /// <item>No release throws, and no buffer is returned twice.</item>
    /// <item>After every worker released every holder, every buffer is returned: nothing outstanding in the pool.</item>
    /// </list>
    /// </summary>
    [Fact]
    public async Task Release_ConcurrentlyByManyOwners_ReturnsEachBufferExactlyOnce()
    {
        const int Workers = 8;
        const int Holders = 64;
        const int Rounds = 50;
        using var pool = new PinnedBufferPool(debug: true);
        var failures = new ConcurrentQueue<string>();

        for (var round = 0; round < Rounds; round++)
        {
            var holders = new SharedPinnedBuffer[Holders];
            var buffers = new PinnedBuffer[Holders];
            for (var h = 0; h < Holders; h++)
            {
                buffers[h] = pool.Rent(256);
                buffers[h].Span.Fill((byte)h);
                holders[h] = SharedPinnedBuffer.Create(buffers[h], Workers);
            }

            using var start = new Barrier(Workers);

            void Work(int worker)
            {
                var order = Enumerable.Range(0, Holders).ToArray();
                new Random((round * Workers) + worker).Shuffle(order);
                start.SignalAndWait();
                foreach (var h in order)
                {
                    try
                    {
                        var span = holders[h].Buffer.Span;
                        if (span.Length != 256 || span.IndexOfAnyExcept((byte)h) >= 0)
                        {
                            failures.Enqueue($"round {round}, worker {worker}: holder {h} changed before this worker released it");
                        }

                        holders[h].Release();
                    }
                    catch (Exception ex)
                    {
                        failures.Enqueue($"round {round}, worker {worker}, holder {h}: {ex.GetType().Name}: {ex.Message}");
                    }
                }
            }

            var tasks = Enumerable.Range(0, Workers)
                .Select(w => Task.Factory.StartNew(() => Work(w), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default))
                .ToArray();
            await Task.WhenAll(tasks).WithTimeout();

            Assert.Empty(failures);
            Assert.All(buffers, b => Assert.False(b.IsRented));
            Assert.Equal(0, pool.OutstandingCount);
        }

        Assert.Equal(0, pool.DoubleReturnCount);
        Assert.Equal(0, pool.RentedBytes);
    }
}
