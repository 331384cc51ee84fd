using System.Globalization;

namespace InferenceServer.LoadTool.Thresholds;

/// <summary>
/// A pass/fail condition on a measured number, written as k6 and NBomber users write it: <c>p99 &lt; 20ms</c>,
/// <c>error_rate &lt; 0.01</c>, <c>throughput &gt; 500</c>. Latency limits take a unit (<c>us</c>, <c>ms</c>, <c>s</c>;
/// none means milliseconds, as in k6) and are held in microseconds, the unit of every report.
/// </summary>
public sealed record Threshold(string Text, ThresholdMetric Metric, ThresholdOperator Operator, double Limit)
{
    /// <summary>Whether <paramref name="measured"/> (in the metric's report unit) satisfies the threshold.</summary>
    public bool IsMetBy(double measured) => Operator switch
    {
        ThresholdOperator.Less => measured < Limit,
        ThresholdOperator.LessOrEqual => measured <= Limit,
        ThresholdOperator.Greater => measured > Limit,
        _ => measured >= Limit,
    };

    /// <summary>Parses <c>METRIC OP NUMBER[UNIT]</c>; on failure <paramref name="error"/> names what is wrong.</summary>
    public static bool TryParse(string text, out Threshold? threshold, out string error)
    {
        threshold = null;
        var trimmed = text.Trim();
        var opStart = trimmed.IndexOfAny(['<', '>']);
        if (opStart <= 0)
        {
            error = $"threshold '{text}' is not METRIC < LIMIT or METRIC > LIMIT (e.g. 'p99 < 20ms')";
            return false;
        }

        var metricName = trimmed[..opStart].Trim().ToLowerInvariant();
        var orEqual = opStart + 1 < trimmed.Length && trimmed[opStart + 1] == '=';
        var op = (trimmed[opStart], orEqual) switch
        {
            ('<', false) => ThresholdOperator.Less,
            ('<', true) => ThresholdOperator.LessOrEqual,
            ('>', false) => ThresholdOperator.Greater,
            _ => ThresholdOperator.GreaterOrEqual,
        };
        if (!ThresholdMetrics.TryFind(metricName, out var metric))
        {
            error = $"threshold '{text}': unknown metric '{metricName}' (one of {string.Join(", ", ThresholdMetrics.Names)})";
            return false;
        }

        var limitText = trimmed[(opStart + (orEqual ? 2 : 1))..].Trim().ToLowerInvariant();
        var scale = 1.0;
        if (ThresholdMetrics.IsLatency(metric))
        {
            // Longest suffix first: "ms" and "us" before "s".
            (limitText, scale) = limitText switch
            {
                _ when limitText.EndsWith("ms", StringComparison.Ordinal) => (limitText[..^2], 1000.0),
                _ when limitText.EndsWith("us", StringComparison.Ordinal) => (limitText[..^2], 1.0),
                _ when limitText.EndsWith("µs", StringComparison.Ordinal) => (limitText[..^2], 1.0),
                _ when limitText.EndsWith('s') => (limitText[..^1], 1_000_000.0),
                _ => (limitText, 1000.0),
            };
        }

        if (!double.TryParse(limitText.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var limit) || !double.IsFinite(limit))
        {
            error = $"threshold '{text}': '{limitText.Trim()}' is not a number{(ThresholdMetrics.IsLatency(metric) ? " with an optional unit us, ms or s" : "")}";
            return false;
        }

        threshold = new Threshold(trimmed, metric, op, limit * scale);
        error = "";
        return true;
    }
}
