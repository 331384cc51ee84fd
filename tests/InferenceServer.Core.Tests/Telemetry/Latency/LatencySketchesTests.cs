using InferenceServer.Core.Telemetry.Latency;
using Microsoft.Extensions.Time.Testing;

namespace InferenceServer.Core.Tests.Telemetry.Latency;

/// <summary>
/// Windows on a fake clock. Invariants: the lifetime sketch holds every observation however old (buckets fold
/// into it as they are reused); the one-minute window forgets what is older than a minute, the five-minute one
/// what is older than five; observations from many threads all arrive.
/// </summary>
public sealed class LatencySketchesTests
{
    [Fact]
    public void Windows_ForgetOldObservations_LifetimeKeepsThemAll()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var sketches = new LatencySketches(time);
        for (var i = 0; i < 100; i++)
        {
            sketches.Record(LatencyStage.Request, 1_000_000); // 1 ms
        }

        time.Advance(TimeSpan.FromMinutes(2));
        for (var i = 0; i < 50; i++)
        {
            sketches.Record(LatencyStage.Request, 10_000_000); // 10 ms
        }

        Assert.Equal(50, sketches.Read(LatencyStage.Request, LatencyWindow.OneMinute).Count);
        Assert.Equal(150, sketches.Read(LatencyStage.Request, LatencyWindow.FiveMinutes).Count);
        Assert.Equal(150, sketches.Read(LatencyStage.Request, LatencyWindow.Lifetime).Count);
        Assert.Equal(10_000, sketches.Read(LatencyStage.Request, LatencyWindow.OneMinute).Quantile(0.5), 10_000 * 0.01);

        time.Advance(TimeSpan.FromMinutes(10));
        sketches.Record(LatencyStage.Request, 1_000);

        Assert.Equal(1, sketches.Read(LatencyStage.Request, LatencyWindow.FiveMinutes).Count);
        Assert.Equal(151, sketches.Read(LatencyStage.Request, LatencyWindow.Lifetime).Count);
        Assert.Equal(0, sketches.Read(LatencyStage.Queue, LatencyWindow.Lifetime).Count);
    }

    [Fact]
    public async Task ManyThreads_EveryObservationArrives()
    {
        var sketches = new LatencySketches(TimeProvider.System);
        const int Threads = 8, PerThread = 20_000;

        await Task.WhenAll(Enumerable.Range(0, Threads).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < PerThread; i++)
            {
                sketches.Record(LatencyStage.Compute, (t + 1) * 1000L);
            }
        })));

        var lifetime = sketches.Read(LatencyStage.Compute, LatencyWindow.Lifetime);
        Assert.Equal(Threads * PerThread, lifetime.Count);
        Assert.Equal(1, lifetime.Min, 0.01);
        Assert.Equal(Threads, lifetime.Max, 0.08);
    }
}
