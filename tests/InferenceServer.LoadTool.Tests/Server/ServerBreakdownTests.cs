using InferenceServer.LoadTool.Reporting;
using InferenceServer.LoadTool.Server;

namespace InferenceServer.LoadTool.Tests.Server;

/// <summary>The server's side of a step: deltas of cumulative counters, averaged per request.</summary>
public class ServerBreakdownTests
{
    [Fact]
    public void Between_TwoSnapshots_AveragesTheDeltaPerRequest()
    {
        var before = Statistics(success: (100, 50_000_000), queue: (100, 10_000_000), input: (100, 1_000_000), infer: (100, 20_000_000), output: (100, 2_000_000), fail: (1, 5_000), inferences: 400, executions: 90);

        // 1000 more requests: 400 µs each in the server, of which 100 µs queued and 10 + 200 + 20 µs computing.
        var after = Statistics(success: (1100, 450_000_000), queue: (1100, 110_000_000), input: (1100, 11_000_000), infer: (1100, 220_000_000), output: (1100, 22_000_000), fail: (3, 9_000), inferences: 4400, executions: 590);

        var breakdown = ServerBreakdown.Between(before, after);

        Assert.Equal(1000, breakdown.SuccessCount);
        Assert.Equal(2, breakdown.FailCount);
        Assert.Equal(4000, breakdown.InferenceCount);
        Assert.Equal(500, breakdown.ExecutionCount);
        Assert.Equal(400, breakdown.RequestUs, 9);
        Assert.Equal(100, breakdown.QueueUs, 9);
        Assert.Equal(10, breakdown.ComputeInputUs, 9);
        Assert.Equal(200, breakdown.ComputeInferUs, 9);
        Assert.Equal(20, breakdown.ComputeOutputUs, 9);
        Assert.Equal(70, breakdown.OverheadUs, 9);
    }

    [Fact]
    public void Between_NoRequests_IsAllZero()
    {
        var same = Statistics(success: (5, 500), queue: (5, 100), input: (5, 10), infer: (5, 10), output: (5, 10), fail: (0, 0), inferences: 5, executions: 5);

        var breakdown = ServerBreakdown.Between(same, same);

        Assert.Equal(0, breakdown.SuccessCount);
        Assert.Equal(0, breakdown.RequestUs);
        Assert.Equal(0, breakdown.OverheadUs);
    }

    [Fact]
    public void Between_StagesAddUpPastTheRequestTime_OverheadIsZeroNotNegative()
    {
        var after = Statistics(success: (10, 10_000), queue: (10, 6_000), input: (10, 0), infer: (10, 6_000), output: (10, 0), fail: (0, 0), inferences: 10, executions: 10);

        Assert.Equal(0, ServerBreakdown.Between(ServerStatistics.Zero, after).OverheadUs);
    }

    [Fact]
    public void Sum_OfVersions_AddsEveryCounter()
    {
        var a = Statistics(success: (1, 10), queue: (1, 1), input: (1, 1), infer: (1, 1), output: (1, 1), fail: (1, 1), inferences: 1, executions: 1);

        var total = ServerStatistics.Zero + a + a;

        Assert.Equal(new CountedDuration(2, 20), total.Success);
        Assert.Equal(2, total.ExecutionCount);
    }

    private static ServerStatistics Statistics((long, long) success, (long, long) queue, (long, long) input, (long, long) infer, (long, long) output, (long, long) fail, long inferences, long executions) =>
        new(D(success), D(fail), D(queue), D(input), D(infer), D(output), inferences, executions);

    private static CountedDuration D((long Count, long Ns) value) => new(value.Count, value.Ns);
}
