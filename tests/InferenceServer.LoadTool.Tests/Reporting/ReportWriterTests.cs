using System.Text.Json.Nodes;
using InferenceServer.LoadTool.Reporting;

namespace InferenceServer.LoadTool.Tests.Reporting;

public class ReportWriterTests
{
    private static readonly LoadReport Report = new(
        "simple", "", "http", "binary", 1, "concurrency", 1000,
        [
            Step(concurrency: 1, rate: null, errors: new Dictionary<string, long>()),
            Step(concurrency: null, rate: 250.5, errors: new Dictionary<string, long> { ["HTTP 503"] = 3 }),
        ]);

    [Fact]
    public void Csv_HeaderThenOneRowPerStep_AllWithTheSameColumns()
    {
        using var writer = new StringWriter();

        CsvReport.Write(writer, Report);

        var lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
        Assert.Equal(3, lines.Length);
        Assert.Equal(string.Join(',', CsvReport.Columns), lines[0]);
        Assert.All(lines, line => Assert.Equal(CsvReport.Columns.Length, line.Split(',').Length));
        var first = lines[1].Split(',');
        Assert.Equal("1", first[Array.IndexOf(CsvReport.Columns, "Concurrency")]);
        Assert.Equal("", first[Array.IndexOf(CsvReport.Columns, "Request Rate")]);
        Assert.Equal("1234.5", first[Array.IndexOf(CsvReport.Columns, "Requests/Second")]);
        Assert.Equal("990", first[Array.IndexOf(CsvReport.Columns, "p99 latency")]);
        Assert.Equal("40", first[Array.IndexOf(CsvReport.Columns, "Server Queue")]);
        Assert.Equal("true", first[Array.IndexOf(CsvReport.Columns, "Stable")]);
        Assert.Equal("false", first[Array.IndexOf(CsvReport.Columns, "Fixed Duration")]);
        var second = lines[2].Split(',');
        Assert.Equal("250.5", second[Array.IndexOf(CsvReport.Columns, "Request Rate")]);
        Assert.Equal("3", second[Array.IndexOf(CsvReport.Columns, "Step Errors")]);
        Assert.Equal("12.5", second[Array.IndexOf(CsvReport.Columns, "Avg Send Lag")]);
    }

    [Fact]
    public void Json_SnakeCaseAndRoundTrips()
    {
        var json = JsonReport.Serialize(Report);
        var node = JsonNode.Parse(json)!;

        Assert.Equal("simple", node["model"]!.GetValue<string>());
        var step = node["steps"]![0]!;
        Assert.Equal(1, step["concurrency"]!.GetValue<int>());
        Assert.Equal(990, step["latency"]!["p99_us"]!.GetValue<double>());
        Assert.Equal(40, step["server"]!["queue_us"]!.GetValue<double>());
        Assert.Equal(5000, step["step_successes"]!.GetValue<long>());
        Assert.Equal(3, node["steps"]![1]!["step_errors"]!["HTTP 503"]!.GetValue<long>());

        var back = JsonReport.Deserialize(json)!;
        Assert.Equal(Report.Steps[1].RequestRate, back.Steps[1].RequestRate);
        Assert.Equal(Report.Steps[0].Server, back.Steps[0].Server);
        Assert.Equal(Report.Steps[0].Latency, back.Steps[0].Latency);
    }

    [Fact]
    public void Table_OneRowPerStepAndTheErrors()
    {
        using var writer = new StringWriter();

        ConsoleTable.Write(writer, Report);

        var text = writer.ToString();
        Assert.Contains("concurrency 1", text, StringComparison.Ordinal);
        Assert.Contains("rate 250.5/s", text, StringComparison.Ordinal);
        Assert.Contains("HTTP 503 x3", text, StringComparison.Ordinal);
        Assert.Contains("queue", text, StringComparison.Ordinal);
    }

    private static StepReport Step(int? concurrency, double? rate, Dictionary<string, long> errors) => new(
        concurrency,
        rate,
        FixedDuration: false,
        Stable: true,
        Windows: 3,
        MeasuredSeconds: 3,
        MeasuredRequests: 3703,
        RequestsPerSecond: 1234.5,
        InferencesPerSecond: 1234.5,
        new LatencySummary(500, 100, 450, 700, 800, 990, 5000, null, null),
        errors,
        StepSuccesses: 5000,
        errors,
        rate is null ? null : new SendLagSummary(12.5, 300),
        new ServerBreakdown(5000, 0, 5000, 5000, 300, 40, 10, 200, 20, 30));
}
