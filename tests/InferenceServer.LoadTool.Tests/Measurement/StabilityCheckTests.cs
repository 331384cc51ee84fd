using InferenceServer.LoadTool.Measurement;
using InferenceServer.LoadTool.Tests.Infrastructure;

namespace InferenceServer.LoadTool.Tests.Measurement;

public class StabilityCheckTests
{
    [Fact]
    public void IsStable_ThreeWindowsWithinTenPercent_IsTrue()
    {
        Assert.True(StabilityCheck.IsStable([Window(1000, 500), Window(1050, 520), Window(1090, 540)], 10, null));
    }

    [Fact]
    public void IsStable_ThroughputSpreadOverTenPercent_IsFalse()
    {
        Assert.False(StabilityCheck.IsStable([Window(1000, 500), Window(1000, 500), Window(1120, 500)], 10, null));
    }

    [Fact]
    public void IsStable_LatencySpreadOverTenPercent_IsFalse()
    {
        Assert.False(StabilityCheck.IsStable([Window(1000, 500), Window(1000, 560), Window(1000, 500)], 10, null));
    }

    [Fact]
    public void IsStable_JudgesOnlyTheLastThree()
    {
        Assert.True(StabilityCheck.IsStable([Window(10, 9000), Window(1000, 500), Window(1000, 500), Window(1000, 500)], 10, null));
    }

    [Fact]
    public void IsStable_FewerThanThreeOrAnEmptyWindow_IsFalse()
    {
        Assert.False(StabilityCheck.IsStable([Window(1000, 500), Window(1000, 500)], 10, null));
        Assert.False(StabilityCheck.IsStable([Window(1000, 500), Window(0, 0), Window(1000, 500)], 10, null));
    }

    [Fact]
    public void IsStable_WithPercentile_JudgesThatPercentileNotTheMean()
    {
        // All three windows average 1000 ns, but the third is 90 × 900 and 10 × 1900: its p99 is nearly double.
        WindowResult Flat() => new(TimeSpan.FromSeconds(1), Samples.Histogram(Enumerable.Repeat(1_000L, 100)), new Dictionary<string, long>(), 0, 0, 0);
        var tail = new WindowResult(TimeSpan.FromSeconds(1), Samples.Histogram([.. Enumerable.Repeat(900L, 90), .. Enumerable.Repeat(1_900L, 10)]), new Dictionary<string, long>(), 0, 0, 0);
        var windows = new[] { Flat(), Flat(), tail };

        Assert.True(StabilityCheck.IsStable(windows, 10, null));
        Assert.False(StabilityCheck.IsStable(windows, 10, 99));
    }

    private static WindowResult Window(int requests, long latencyMicroseconds) => new(
        TimeSpan.FromSeconds(1),
        Samples.Histogram(Enumerable.Repeat(latencyMicroseconds * 1000, requests)),
        new Dictionary<string, long>(),
        0,
        0,
        0);
}
