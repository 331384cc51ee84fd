using System.Text.Json;

namespace InferenceServer.Core.Telemetry.Drift;

/// <summary>
/// One drift statistic: its name (the JSON key and the suffix of its <c>inference_server_drift_*</c> gauge),
/// its help text and how it is computed from a <see cref="DriftComparison"/>. The JSON writer and the
/// Prometheus exporter loop over <see cref="DriftStatistics.All"/>, so a new statistic is one file in
/// <c>Drift/Statistics</c> that registers its descriptor.
/// </summary>
public sealed class DriftStatistic
{
    internal DriftStatistic(int ordinal, string name, string help, Func<DriftComparison, double> compute)
    {
        Ordinal = ordinal;
        Name = name;
        JsonName = JsonEncodedText.Encode(name);
        Help = help;
        Compute = compute;
    }

    /// <summary>Position in <see cref="DriftStatistics.All"/> and in every <see cref="DriftScore"/>.</summary>
    public int Ordinal { get; }

    /// <summary>snake_case: the key in <c>GET …/drift</c> and the gauge's name after <c>inference_server_drift_</c>.</summary>
    public string Name { get; }

    /// <summary><see cref="Name"/>, encoded once for JSON writers.</summary>
    public JsonEncodedText JsonName { get; }

    public string Help { get; }

    /// <summary>The statistic; NaN when the comparison has nothing it can measure (e.g. no finite current value).</summary>
    public Func<DriftComparison, double> Compute { get; }

    /// <summary>The Prometheus gauge this statistic is exported as.</summary>
    public string MetricName => "inference_server_drift_" + Name;
}
