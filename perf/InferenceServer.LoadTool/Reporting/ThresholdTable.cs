using System.Globalization;
using InferenceServer.LoadTool.Thresholds;

namespace InferenceServer.LoadTool.Reporting;

/// <summary>The thresholds of a run, one line each: what was checked where, measured against the limit, and the verdict.</summary>
internal static class ThresholdTable
{
    public static void Write(TextWriter writer, IReadOnlyList<LoadReport> reports)
    {
        var lines = new List<string>();
        foreach (var report in reports)
        {
            var owner = report.Scenario is { } name ? $"scenario '{name}'" : report.Model;
            lines.AddRange(report.Thresholds.Select(t => Line(owner, t)));
            foreach (var step in report.Steps)
            {
                lines.AddRange(step.Thresholds.Select(t => Line($"{owner} {step.Name ?? StepLabel(step)}", t)));
            }
        }

        if (lines.Count == 0)
        {
            return;
        }

        writer.WriteLine("thresholds:");
        foreach (var line in lines)
        {
            writer.WriteLine(line);
        }
    }

    /// <summary>The failed thresholds, for the closing error line.</summary>
    public static IEnumerable<ThresholdResult> Failed(IReadOnlyList<LoadReport> reports) =>
        reports.SelectMany(r => r.Thresholds.Concat(r.Steps.SelectMany(s => s.Thresholds))).Where(t => !t.Passed);

    public static string Describe(ThresholdResult t) =>
        string.Create(CultureInfo.InvariantCulture, $"'{t.Threshold}' measured {t.Measured:0.###} {t.Unit}, limit {t.Limit:0.###} {t.Unit}");

    private static string Line(string where, ThresholdResult t) =>
        $"  {(t.Passed ? "pass" : "FAIL")}  {where}: {Describe(t)}";

    private static string StepLabel(StepReport step) =>
        step.RequestRate is { } rate ? string.Create(CultureInfo.InvariantCulture, $"rate {rate:0.##}/s") : $"concurrency {step.Concurrency}";
}
