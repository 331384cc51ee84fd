using InferenceServer.LoadTool.Reporting;
using InferenceServer.LoadTool.Thresholds;

namespace InferenceServer.LoadTool.Tests.Thresholds;

public class ThresholdTests
{
    [Theory]
    [InlineData("p99 < 20ms", ThresholdMetric.P99Latency, ThresholdOperator.Less, 20_000)]
    [InlineData("p50<=150us", ThresholdMetric.P50Latency, ThresholdOperator.LessOrEqual, 150)]
    [InlineData("max < 1.5s", ThresholdMetric.MaxLatency, ThresholdOperator.Less, 1_500_000)]
    [InlineData("avg < 3", ThresholdMetric.AvgLatency, ThresholdOperator.Less, 3_000)]
    [InlineData("error_rate < 0.01", ThresholdMetric.ErrorRate, ThresholdOperator.Less, 0.01)]
    [InlineData("throughput > 500", ThresholdMetric.Throughput, ThresholdOperator.Greater, 500)]
    [InlineData(" rps >= 10 ", ThresholdMetric.Throughput, ThresholdOperator.GreaterOrEqual, 10)]
    [InlineData("errors <= 0", ThresholdMetric.Errors, ThresholdOperator.LessOrEqual, 0)]
    public void TryParse_K6Style_MetricOperatorAndLimitInReportUnits(string text, ThresholdMetric metric, ThresholdOperator op, double limit)
    {
        Assert.True(Threshold.TryParse(text, out var threshold, out var error), error);

        Assert.Equal(metric, threshold!.Metric);
        Assert.Equal(op, threshold.Operator);
        Assert.Equal(limit, threshold.Limit, 9);
    }

    [Theory]
    [InlineData("p42 < 20ms", "unknown metric 'p42'")]
    [InlineData("p99 = 20ms", "is not METRIC < LIMIT")]
    [InlineData("p99 < fast", "'fast' is not a number")]
    [InlineData("throughput > 5ms", "'5ms' is not a number")]
    public void TryParse_Malformed_SaysWhatIsWrong(string text, string expected)
    {
        Assert.False(Threshold.TryParse(text, out _, out var error));

        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_MeasuredAgainstLimit_PassesOnlyOnTheRightSide()
    {
        var subject = new ThresholdSubject(new LatencySummary(100, 10, 90, 150, 180, 250, 900, null, null), 480, 990, 10);
        Threshold Parse(string text) => Threshold.TryParse(text, out var t, out _) ? t! : throw new InvalidOperationException(text);

        var p99 = ThresholdResult.Check(Parse("p99 < 0.2ms"), "step", subject);
        var errorRate = ThresholdResult.Check(Parse("error_rate < 0.02"), "step", subject);
        var throughput = ThresholdResult.Check(Parse("throughput > 500"), "scenario", subject);

        Assert.False(p99.Passed);
        Assert.Equal(250, p99.Measured);
        Assert.Equal(200, p99.Limit, 9);
        Assert.Equal("us", p99.Unit);
        Assert.True(errorRate.Passed);
        Assert.Equal(0.01, errorRate.Measured, 9);
        Assert.False(throughput.Passed);
        Assert.Equal(480, throughput.Measured);
        Assert.Equal("scenario", throughput.Scope);
    }

    [Fact]
    public void ThresholdTable_NamesTheFailedThresholdWithMeasuredAndLimit()
    {
        var failed = new ThresholdResult("p99 < 20ms", "step", "P99Latency", "us", 25_000, 20_000, Passed: false);
        var report = new LoadReport("simple", "", "http", "binary", 1, "concurrency", 1000, []) { Thresholds = [failed] };
        using var writer = new StringWriter();

        ThresholdTable.Write(writer, [report]);

        Assert.Contains("FAIL  simple: 'p99 < 20ms' measured 25000 us, limit 20000 us", writer.ToString(), StringComparison.Ordinal);
        Assert.Same(failed, Assert.Single(ThresholdTable.Failed([report])));
        Assert.False(report.Passed);
    }
}
