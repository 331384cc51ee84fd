using System.Globalization;

namespace InferenceServer.LoadTool.Reporting;

/// <summary>The report as CSV (<c>-f</c>): a header row, then one row per step. Times are microseconds, as in perf_analyzer's CSV.</summary>
internal static class CsvReport
{
    public static readonly string[] Columns =
    [
        "Concurrency", "Request Rate", "Inferences/Second", "Requests/Second",
        "Avg latency", "p50 latency", "p90 latency", "p95 latency", "p99 latency", "Max latency",
        "Measured Requests", "Measured Errors", "Step Successes", "Step Errors",
        "Server Success Count", "Server Fail Count", "Server Request", "Server Queue",
        "Server Compute Input", "Server Compute Infer", "Server Compute Output", "Server Overhead",
        "Avg Send Lag", "Fixed Duration", "Stable",
    ];

    public static void Write(TextWriter writer, LoadReport report) => Write(writer, [report]);

    /// <summary>Several reports (scenarios) in one table: two leading columns then name the scenario and the step.</summary>
    public static void Write(TextWriter writer, IReadOnlyList<LoadReport> reports)
    {
        var named = reports.Any(r => r.Scenario is not null);
        writer.WriteLine(string.Join(',', named ? ["Scenario", "Step", .. Columns] : Columns));
        foreach (var (report, step) in reports.SelectMany(r => r.Steps.Select(s => (r, s))))
        {
            string[] cells =
            [
                .. named ? new[] { Text(report.Scenario ?? ""), Text(step.Name ?? "") } : [],
                step.Concurrency?.ToString(CultureInfo.InvariantCulture) ?? "",
                step.RequestRate is { } rate ? Number(rate) : "",
                Number(step.InferencesPerSecond),
                Number(step.RequestsPerSecond),
                Number(step.Latency.AvgUs), Number(step.Latency.P50Us), Number(step.Latency.P90Us),
                Number(step.Latency.P95Us), Number(step.Latency.P99Us), Number(step.Latency.MaxUs),
                Integer(step.MeasuredRequests), Integer(step.MeasuredErrors.Values.Sum()),
                Integer(step.StepSuccesses), Integer(step.StepErrors.Values.Sum()),
                Integer(step.Server.SuccessCount), Integer(step.Server.FailCount),
                Number(step.Server.RequestUs), Number(step.Server.QueueUs),
                Number(step.Server.ComputeInputUs), Number(step.Server.ComputeInferUs),
                Number(step.Server.ComputeOutputUs), Number(step.Server.OverheadUs),
                step.SendLag is { } lag ? Number(lag.AvgUs) : "",
                step.FixedDuration ? "true" : "false",
                step.Stable ? "true" : "false",
            ];
            writer.WriteLine(string.Join(',', cells));
        }
    }

    private static string Text(string value) =>
        value.AsSpan().IndexOfAny(",\"\n") >= 0 ? '"' + value.Replace("\"", "\"\"", StringComparison.Ordinal) + '"' : value;

    private static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Integer(long value) => value.ToString(CultureInfo.InvariantCulture);
}
