using InferenceServer.LoadTool.Load;
using InferenceServer.LoadTool.Measurement;
using InferenceServer.LoadTool.Tests.Infrastructure;

namespace InferenceServer.LoadTool.Tests.Load;

/// <summary>
/// The open loop's coordinated-omission correction, in virtual time. At 1000 requests/s (one due every 1 ms)
/// a server answers instantly except once, when it stalls for 100 ms, and the client holds one request at a
/// time. Requests due during the stall leave late; measured from their due times their latencies are
/// 100, 99, …, 1 ms — the queueing a real user would have seen. Measured from when they left, the stall would
/// show as one slow request among 999 instant ones.
/// </summary>
public class CoordinatedOmissionTests
{
    private const int Requests = 1000;
    private const int StalledRequest = 300;
    private static readonly TimeSpan Stall = TimeSpan.FromMilliseconds(100);

    [Fact]
    public void OpenLoop_ServerStallsOneHundredMilliseconds_LatenciesIncludeTheQueueingBehindIt()
    {
        var (window, sender) = Run(maxInFlight: 1, service: n => n == StalledRequest ? Stall : TimeSpan.Zero);
        var latency = window.Latency;

        Assert.Equal(Requests, sender.Calls);
        Assert.Equal(Requests, latency.Count);

        // The stalled request and the 99 due behind it: 100 ms down to 1 ms, one per millisecond.
        Assert.InRange(latency.MaxNanoseconds, 99_999_000, 100_001_000);
        Assert.InRange(latency.MeanNanoseconds, 5_049_000, 5_051_000);

        // 900 of 1000 latencies are zero, then 1..100 ms: p95 is rank 950 (50 ms), p99 rank 990 (90 ms).
        Assert.InRange(latency.ValueAtPercentile(95), 49_990_000, 50_060_000);
        Assert.InRange(latency.ValueAtPercentile(99), 89_990_000, 90_100_000);
        Assert.InRange(latency.ValueAtPercentile(90), 0, 1_000);

        // The request due 1 ms after the stalled one left 99 ms late; that lag is inside its latency.
        Assert.InRange(window.SendLagNanosecondsMax, 98_999_000, 99_001_000);
    }

    [Fact]
    public void OpenLoop_ServerNeverStalls_EveryLatencyIsZeroAndTheRateIsKept()
    {
        var clock = new VirtualClock();
        var (window, _) = Run(maxInFlight: 1, service: _ => TimeSpan.Zero, clock);

        Assert.Equal(Requests, window.Latency.Count);
        Assert.InRange(window.Latency.MaxNanoseconds, 0, 1_000);
        Assert.InRange(window.SendLagNanosecondsMax, 0, 1_000);

        // 1000 requests, one due each millisecond: the last was due at 1 s.
        Assert.InRange(clock.Now, 999_999_000, 1_000_001_000);
    }

    [Fact]
    public void OpenLoop_SlowServerAtHalfTheRate_LatencyGrowsWithTheBacklog()
    {
        // Each answer takes 2 ms while requests are due every 1 ms: request n waits behind n earlier ones and
        // its latency is (n + 1) × 2 ms − n × 1 ms. The last one's is about 1 s; a closed loop would say 2 ms.
        var (window, _) = Run(maxInFlight: 1, service: _ => TimeSpan.FromMilliseconds(2));

        Assert.InRange(window.Latency.MaxNanoseconds, 1_000_000_000, 1_002_000_000);
        Assert.InRange(window.Latency.ValueAtPercentile(50), 500_000_000, 502_000_000);
    }

    private static (WindowResult Window, ScriptedSender Sender) Run(int maxInFlight, Func<int, TimeSpan> service, VirtualClock? clock = null)
    {
        clock ??= new VirtualClock();
        var sender = new ScriptedSender(clock, Requests, service);
        var recorder = new WindowRecorder(clock);
        var runner = new OpenLoopRunner(sender, new ConstantSchedule(1000), maxInFlight, clock, recorder);

        runner.Dispatch(sender.Stop, CancellationToken.None);

        Assert.True(runner.DrainAsync().Wait(TimeSpan.FromSeconds(10)));
        return (recorder.CloseWindow(), sender);
    }
}
