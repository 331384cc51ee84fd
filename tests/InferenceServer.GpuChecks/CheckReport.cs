using System.Globalization;

namespace InferenceServer.GpuChecks;

/// <summary>
/// What the checks found: one human line per measurement, and a machine-readable
/// <c>RESULT name=value ...</c> line for perf/gpu's summary. A check that fails marks the run failed.
/// </summary>
internal sealed class CheckReport
{
    public bool Failed { get; private set; }

    public void Info(string text) => Console.WriteLine(text);

    public void Result(string name, params (string Key, object Value)[] fields)
    {
        var parts = new List<string> { "RESULT", name };
        foreach (var (key, value) in fields)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{key}={Format(value)}"));
        }

        Console.WriteLine(string.Join(' ', parts));
    }

    /// <summary>Records a pass or a failure with its reason.</summary>
    public void Check(string name, bool passed, string detail)
    {
        Console.WriteLine($"{(passed ? "PASS" : "FAIL")} {name}: {detail}");
        Failed |= !passed;
    }

    private static string Format(object value) => value switch
    {
        double d => d.ToString("0.###", CultureInfo.InvariantCulture),
        float f => f.ToString("0.###", CultureInfo.InvariantCulture),
        string s => s.Replace(' ', '_'),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty,
    };
}
