using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using InferenceServer.FunctionalTests.Infrastructure;
using InferenceServer.LoadTool;

namespace InferenceServer.FunctionalTests.Perf;

/// <summary>
/// The HTML report of a real run, loaded in headless Chromium. Invariants: the page's script ran to the end
/// (<c>data-rendered</c>), and what it drew is the report's numbers — one throughput and one p99 point per window
/// with that window's value, histogram bars adding up to the step's measured requests, the server stages equal to
/// the statistics' breakdown — read back from the DOM Chromium serialized and compared with the JSON report
/// written by the same run.
/// </summary>
public partial class HtmlReportRenderTests
{
    [Fact]
    public async Task HtmlReport_OfARealScenarioRun_RendersInChromiumWithTheReportsNumbers()
    {
        await using var server = await TestServer.StartAsync(TestRepositories.WriteSimple);
        using var folder = new TempFolder();
        var scenario = Path.Combine(folder.Path, "scenario.json");
        await File.WriteAllTextAsync(scenario, $$"""
            {"scenarios": [
              {"name": "primary", "model": "simple", "url": "127.0.0.1:{{server.HttpPort}}", "measurement_interval_ms": 300,
               "thresholds": ["error_rate < 0.01"], "steps": [{"concurrency": 2, "duration_secs": 0.9}]},
              {"name": "canary", "model": "simple", "protocol": "grpc", "url": "127.0.0.1:{{server.GrpcPort}}", "measurement_interval_ms": 300,
               "steps": [{"rate": 100, "duration_secs": 0.9, "thresholds": ["p99 < 60s"]}]}
            ]}
            """);
        var html = Path.Combine(folder.Path, "report.html");
        var json = Path.Combine(folder.Path, "report.json");
        using var output = new StringWriter();
        using var progress = new StringWriter();

        var exit = await LoadToolCommand.RunAsync(["--scenario", scenario, "--html-file", html, "--json-file", json], output, progress, CancellationToken.None).WaitAsync(TestTimeouts.Load);
        Assert.True(exit == LoadToolCommand.Ok, progress.ToString());
        var dom = await HeadlessChromium.DumpDomAsync(html);

        Assert.Contains("data-rendered=\"true\"", dom, StringComparison.Ordinal);
        var run = JsonNode.Parse(await File.ReadAllTextAsync(json))!;
        var scenarios = run["scenarios"]!.AsArray();
        var windows = scenarios.Select(s => s!["steps"]!.AsArray().SelectMany(st => st!["timeline"]!.AsArray()).ToArray()).ToArray();
        Assert.All(windows, w => Assert.Equal(3, w.Length));

        var throughput = Values(Chart(dom, "throughput"));
        Assert.Equal(windows.SelectMany(w => w).Select(w => w!["requests_per_second"]!.GetValue<double>()), throughput, Close);
        var latency = Chart(dom, "latency");
        Assert.Equal(windows.Length * 3 * 3, Values(latency).Length);
        Assert.Equal(windows[0].Select(w => w!["p99_us"]!.GetValue<double>()), Values(latency, "primary p99"), Close);
        Assert.Equal(windows[1].Select(w => w!["p50_us"]!.GetValue<double>()), Values(latency, "canary p50"), Close);

        var steps = scenarios.SelectMany(s => s!["steps"]!.AsArray()).ToArray();
        var histograms = Charts(dom, "histogram");
        Assert.Equal(steps.Length, histograms.Count);
        for (var i = 0; i < steps.Length; i++)
        {
            Assert.Equal(steps[i]!["measured_requests"]!.GetValue<long>(), Values(histograms[i]).Sum());
            Assert.True(Values(histograms[i]).Length > 1, "a distribution has more than one bin");
            var stages = Charts(dom, "breakdown")[i];
            Assert.Equal(steps[i]!["server"]!["queue_us"]!.GetValue<double>(), Stage(stages, "queue"), Close);
            Assert.Equal(steps[i]!["server"]!["compute_infer_us"]!.GetValue<double>(), Stage(stages, "compute_infer"), Close);
            Assert.Equal(steps[i]!["latency"]!["avg_us"]!.GetValue<double>(), Stage(stages, "client"), Close);
        }

        var summary = Field().Matches(dom).Select(m => (m.Groups[1].Value, Parse(m.Groups[2].Value))).ToArray();
        Assert.Equal(steps.Select(s => s!["requests_per_second"]!.GetValue<double>()), summary.Where(f => f.Item1 == "requests_per_second").Select(f => f.Item2), Close);
        Assert.Equal(steps.Select(s => s!["latency"]!["p99_us"]!.GetValue<double>()), summary.Where(f => f.Item1 == "p99_us").Select(f => f.Item2), Close);
        Assert.Equal(2, ThresholdRow().Count(dom));
        Assert.Contains("--scenario", dom, StringComparison.Ordinal);
        Assert.Contains("&quot;name&quot;: &quot;canary&quot;", dom.Replace("\"", "&quot;", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    private static readonly EqualityComparer<double> Close = EqualityComparer<double>.Create((a, b) => Math.Abs(a - b) <= 1e-9 * Math.Max(1, Math.Abs(a)), v => 0);

    private static string Chart(string dom, string name) => Assert.Single(Charts(dom, name));

    private static List<string> Charts(string dom, string name) =>
        [.. new Regex($"<svg[^>]*data-chart=\"{name}\"[^>]*>(.*?)</svg>", RegexOptions.Singleline).Matches(dom).Select(m => m.Groups[1].Value)];

    private static double[] Values(string svg, string? series = null) =>
        [.. DataValue().Matches(svg).Where(m => series is null || m.Value.Contains($"data-series=\"{series}\"", StringComparison.Ordinal)).Select(m => Parse(m.Groups[1].Value))];

    private static double Stage(string svg, string stage) =>
        Parse(new Regex($"data-stage=\"{stage}\" data-value=\"([^\"]+)\"").Match(svg).Groups[1].Value);

    private static double Parse(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    [GeneratedRegex("<(?:circle|rect) class=\"(?:point|bar)\"[^>]*?data-value=\"([^\"]+)\"[^>]*>")]
    private static partial Regex DataValue();

    [GeneratedRegex("data-field=\"([a-z0-9_]+)\" data-value=\"([^\"]+)\"")]
    private static partial Regex Field();

    [GeneratedRegex("<tr class=\"threshold-row\">")]
    private static partial Regex ThresholdRow();
}
