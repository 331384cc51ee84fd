using InferenceServer.Core.Traffic;
using Microsoft.Extensions.Time.Testing;

namespace InferenceServer.Core.Tests.Traffic;

public class SlidingCounterTests
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(60);

    [Fact]
    public void Read_WithinWindow_CountsRequestsAndFailures()
    {
        var time = new FakeTimeProvider();
        var counter = new SlidingCounter(Window, 6, time);

        counter.Increment(success: true);
        counter.Increment(success: false);
        time.Advance(TimeSpan.FromSeconds(25));
        counter.Increment(success: true);

        Assert.Equal(new SlidingCounts(3, 1), counter.Read());
    }

    [Fact]
    public void Read_AfterWindowPasses_OldBucketsDropOut()
    {
        var time = new FakeTimeProvider();
        var counter = new SlidingCounter(Window, 6, time);
        // Start on a bucket boundary so the arithmetic below is exact (FakeTimeProvider counts timestamps in ticks).
        var bucketTicks = TimeSpan.FromSeconds(10).Ticks;
        time.Advance(TimeSpan.FromTicks(bucketTicks - (time.GetTimestamp() % bucketTicks)));

        counter.Increment(success: false);
        time.Advance(TimeSpan.FromSeconds(30));
        counter.Increment(success: true);
        Assert.Equal(new SlidingCounts(2, 1), counter.Read());

        // 59 s after the first: six buckets (0, 10, …, 50 s) still hold it.
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(new SlidingCounts(2, 1), counter.Read());

        // 60 s after the first: its bucket has left the window; the second stays until 90 s.
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(new SlidingCounts(1, 0), counter.Read());
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(new SlidingCounts(0, 0), counter.Read());
    }

    [Fact]
    public void Increment_BucketReused_StartsFromZero()
    {
        var time = new FakeTimeProvider();
        var counter = new SlidingCounter(Window, 6, time);
        for (var i = 0; i < 10; i++)
        {
            counter.Increment(success: false);
        }

        // Exactly one window later the same ring slot is reused for a new period.
        time.Advance(Window);
        counter.Increment(success: true);

        Assert.Equal(new SlidingCounts(1, 0), counter.Read());
    }

    /// <summary>
    /// Invariant: over any stretch of time the counter agrees with an exact log of (time, success) pairs, within
    /// what bucketing allows: every counted event is at most one window old, and every event newer than
    /// (window − one bucket) is counted. Seeded random arrivals over ten minutes of fake time.
    /// </summary>
    [Fact]
    public void Read_RandomArrivals_MatchesExactLogWithinOneBucket()
    {
        var time = new FakeTimeProvider();
        var counter = new SlidingCounter(Window, 6, time);
        var random = new Random(17);
        var log = new List<(DateTimeOffset At, bool Success)>();
        var bucket = TimeSpan.FromSeconds(10);

        for (var step = 0; step < 3000; step++)
        {
            time.Advance(TimeSpan.FromMilliseconds(random.Next(0, 400)));
            var success = random.Next(4) != 0;
            counter.Increment(success);
            log.Add((time.GetUtcNow(), success));

            var now = time.GetUtcNow();
            var counts = counter.Read();
            var surely = log.Where(e => e.At > now - Window + bucket).ToList();
            var atMost = log.Where(e => e.At > now - Window).ToList();
            Assert.InRange(counts.Requests, surely.Count, atMost.Count);
            Assert.InRange(counts.Failures, surely.Count(e => !e.Success), atMost.Count(e => !e.Success));
        }
    }

    /// <summary>
    /// Invariants under concurrent increments with time frozen: no increment is lost (requests and failures are
    /// the exact totals), and a concurrent reader never sees more failures than requests. 8 writers × 20 000
    /// increments, every third a failure, against one reader polling until they finish.
    /// </summary>
    [Fact]
    public async Task Increment_ConcurrentWriters_NoneLost()
    {
        const int Writers = 8;
        const int PerWriter = 20_000;
        var time = new FakeTimeProvider();
        var counter = new SlidingCounter(Window, 6, time);
        var failuresAboveRequests = 0;

        var writers = Enumerable.Range(0, Writers).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < PerWriter; i++)
            {
                counter.Increment(success: i % 3 != 0);
            }
        })).ToArray();
        var all = Task.WhenAll(writers);
        var reader = Task.Run(() =>
        {
            while (!all.IsCompleted)
            {
                var counts = counter.Read();
                if (counts.Failures > counts.Requests)
                {
                    Interlocked.Increment(ref failuresAboveRequests);
                }
            }
        });
        await Task.WhenAll(all, reader).WaitAsync(TimeSpan.FromSeconds(30));

        var expectedFailures = Writers * ((PerWriter + 2) / 3);
        Assert.Equal(new SlidingCounts(Writers * PerWriter, expectedFailures), counter.Read());
        Assert.Equal(0, failuresAboveRequests);
    }

    [Fact]
    public void Increment_WarmCounter_DoesNotAllocate()
    {
        var counter = new SlidingCounter(Window, 6, TimeProvider.System);
        counter.Increment(success: true);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            counter.Increment(success: i % 2 == 0);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    [Fact]
    public void Constructor_NoBuckets_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SlidingCounter(Window, 0, TimeProvider.System));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SlidingCounter(TimeSpan.Zero, 6, TimeProvider.System));
    }
}
