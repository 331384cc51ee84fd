using InferenceServer.LoadTool.Reporting;
using InferenceServer.LoadTool.Tests.Infrastructure;
using InferenceServer.LoadTool.Thresholds;

namespace InferenceServer.LoadTool.Tests.Reporting;

public class HtmlReportTests
{
    private static readonly LatencySummary Latency = new(120, 80, 110, 150, 170, 300, 900, null, null);
    private static readonly ServerBreakdown Server = new(100, 0, 100, 100, 60, 20, 2, 30, 1, 7);

    [Fact]
    public void Render_EmbedsTheReportItself_SoTheChartsDrawTheMeasuredNumbers()
    {
        var report = Report("</script><b>primary</b>");

        var html = HtmlReport.Render([report], new RunConfiguration(["--scenario", "run.json"], "{\"scenarios\": []}"));

        var embedded = JsonReport.DeserializeRun(HtmlReport.EmbeddedData(html))!;
        Assert.Equal(JsonReport.Serialize(new ScenarioRunReport([report])), JsonReport.Serialize(embedded));
        Assert.Equal("</script><b>primary</b>", embedded.Scenarios[0].Scenario);
        Assert.False(embedded.Passed);
    }

    [Fact]
    public void Render_IsSelfContained_NoExternalScriptStyleOrImage()
    {
        var html = HtmlReport.Render([Report("primary")], new RunConfiguration([], null));

        Assert.DoesNotContain("src=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("href=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", html, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, html.Split("</script>").Length - 3);
    }

    [Fact]
    public void Bins_LogSpaced_CountEveryRecordedLatencyOnce()
    {
        var values = Enumerable.Range(1, 5000).Select(i => (long)(50_000 + (i * i * 13L))).ToArray();
        var histogram = Samples.Histogram(values);

        var bins = histogram.Bins(40);

        Assert.Equal(values.Length, bins.Sum(b => b.Count));
        Assert.InRange(bins.Count, 2, 40);
        Assert.Equal(values.Min(), bins[0].LowNanoseconds);
        Assert.Equal(values.Max(), bins[^1].HighNanoseconds);
        Assert.All(bins.Zip(bins.Skip(1)), pair => Assert.Equal(pair.First.HighNanoseconds, pair.Second.LowNanoseconds));
    }

    private static LoadReport Report(string scenario) => new("simple", "", "http", "binary", 1, "scenario", 1000,
    [
        new StepReport(2, null, true, true, 2, 2.0, 2000, 1000, 1000, Latency, new Dictionary<string, long>(), 2010, new Dictionary<string, long> { ["HTTP 503"] = 4 }, null, Server)
        {
            Name = "warm",
            Timeline = [new WindowPoint(0, 1, 990, 2, 990, 100, 140, 290), new WindowPoint(1, 1, 1010, 2, 1010, 112, 151, 301)],
            Histogram = [new LatencyBin(80, 200, 1500), new LatencyBin(200, 900, 500)],
            Thresholds = [new ThresholdResult("p99 < 0.2ms", "step", "P99Latency", "us", 300, 200, Passed: false)],
        },
    ])
    { Scenario = scenario };
}
