using System.Globalization;
using Inference;
using InferenceServer.Core.Telemetry.Drift;

namespace InferenceServer.Core.Telemetry.Profiles;

/// <summary>
/// Input/output profiling and drift settings of a model, from its config <c>parameters</c> (string values, as
/// Triton parameters are): <c>drift_reference_requests</c> (freeze the reference from the first N requests when
/// the version ships no reference file; default 1000), <c>drift_window_seconds</c> (sliding window; default 300),
/// <c>drift_psi_warning</c> / <c>drift_psi_drift</c> (0.1 / 0.2), <c>drift_max_columns</c> (per-column features
/// up to this width, else whole-tensor; default 256), <c>drift_max_values_per_second</c> (the profiling budget: above
/// it one request in N is observed; default 500,000 values, about 2 % of a core; 0 observes every request).
/// </summary>
public sealed record ProfileOptions
{
    /// <summary>The file a version folder may ship its reference in.</summary>
    public const string ReferenceFileName = "drift_reference.json";

    public int ReferenceRequests { get; init; } = 1000;

    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(5);

    public DriftThresholds Thresholds { get; init; } = DriftThresholds.Default;

    public int MaxColumns { get; init; } = 256;

    public long MaxValuesPerSecond { get; init; } = 500_000;

    /// <exception cref="FormatException">A parameter that is not a number in range, named.</exception>
    public static ProfileOptions FromConfig(ModelConfig config)
    {
        var options = new ProfileOptions();
        return options with
        {
            ReferenceRequests = (int)Number(config, "drift_reference_requests", options.ReferenceRequests, 1, 100_000_000),
            Window = TimeSpan.FromSeconds(Number(config, "drift_window_seconds", options.Window.TotalSeconds, 4, 7 * 86_400)),
            MaxColumns = (int)Number(config, "drift_max_columns", options.MaxColumns, 1, 65_536),
            MaxValuesPerSecond = (long)Number(config, "drift_max_values_per_second", options.MaxValuesPerSecond, 0, 1e12),
            Thresholds = new DriftThresholds
            {
                PsiWarning = Number(config, "drift_psi_warning", options.Thresholds.PsiWarning, 0, 100),
                PsiDrift = Number(config, "drift_psi_drift", options.Thresholds.PsiDrift, 0, 100),
            },
        };
    }

    private static double Number(ModelConfig config, string key, double fallback, double min, double max)
    {
        if (!config.Parameters.TryGetValue(key, out var parameter))
        {
            return fallback;
        }

        return double.TryParse(parameter.StringValue, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new FormatException($"parameter '{key}' must be a number in [{min}, {max}], got '{parameter.StringValue}'");
    }
}
