using System.Globalization;

namespace InferenceServer.LoadTool.Reporting;

/// <summary>The report as an aligned text table: one row per step, client columns then the server's breakdown (all times µs).</summary>
internal static class ConsoleTable
{
    private static readonly string[] Headers =
    [
        "step", "req/s", "infer/s", "avg", "p50", "p90", "p95", "p99", "errors",
        "srv req", "queue", "c.input", "c.infer", "c.output", "overhead", "stable",
    ];

    public static void Write(TextWriter writer, LoadReport report)
    {
        writer.WriteLine(Invariant($"{(report.Scenario is { } scenario ? $"[{scenario}] " : "")}{report.Model} over {report.Protocol}{(report.Protocol == "http" ? $" ({report.Tensors} tensors)" : "")}, batch {report.BatchSize}; latencies in microseconds; client on the left, the server's statistics from 'srv req' on"));
        var rows = new List<string[]> { Headers };
        foreach (var step in report.Steps)
        {
            rows.Add(
            [
                Label(step),
                Invariant($"{step.RequestsPerSecond:0.0}"),
                Invariant($"{step.InferencesPerSecond:0.0}"),
                Us(step.Latency.AvgUs), Us(step.Latency.P50Us), Us(step.Latency.P90Us), Us(step.Latency.P95Us), Us(step.Latency.P99Us),
                Invariant($"{step.MeasuredErrors.Values.Sum()}"),
                Us(step.Server.RequestUs), Us(step.Server.QueueUs), Us(step.Server.ComputeInputUs), Us(step.Server.ComputeInferUs),
                Us(step.Server.ComputeOutputUs), Us(step.Server.OverheadUs),
                step.FixedDuration ? "fixed" : step.Stable ? "yes" : "no",
            ]);
        }

        var widths = Enumerable.Range(0, Headers.Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        foreach (var row in rows)
        {
            // The step label reads left-aligned; numbers right-aligned so digits line up.
            writer.WriteLine(string.Join("  ", row.Select((cell, c) => c == 0 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]))));
        }

        foreach (var step in report.Steps.Where(s => s.StepErrors.Count > 0))
        {
            writer.WriteLine($"{Label(step)} errors: {string.Join(", ", step.StepErrors.Select(e => Invariant($"{e.Key} x{e.Value}")))}");
        }
    }

    private static string Label(StepReport step)
    {
        var load = (step.RequestRate, step.RampToRate) switch
        {
            ({ } from, { } to) => Invariant($"ramp {from:0.##}->{to:0.##}/s"),
            ({ } rate, null) => Invariant($"rate {rate:0.##}/s"),
            _ => Invariant($"concurrency {step.Concurrency}"),
        };
        return step.Name is { } name ? $"{name}: {(step.Model is { } model ? model + " " : "")}{load}" : load;
    }

    private static string Us(double microseconds) => Invariant($"{microseconds:0}");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
