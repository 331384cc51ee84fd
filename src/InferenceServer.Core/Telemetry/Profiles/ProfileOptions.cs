using System.Globalization;
using Inference;
using InferenceServer.Core.Telemetry.Drift;

namespace InferenceServer.Core.Telemetry.Profiles;

/// <summary>
/// Input/output profiling and drift settings of a model, from its config <c>parameters</c> (string values, as
/// Triton parameters are): <c>drift_reference_requests</c> (freeze the reference from the first N requests when
/// the version ships no reference file; default 1000), <c>drift_window_seconds</c> (sliding window; default 300),
/// <c>drift_decision</c> (<c>wasserstein</c>, the default, or <c>psi</c>), <c>drift_wasserstein_warning</c> /
/// <c>drift_wasserstein_drift</c> (0.1 / 0.2 reference standard deviations), <c>drift_significance</c> (the KS
/// p-value a Wasserstein distance must be under to count; 0.001), <c>drift_psi_warning</c> / <c>drift_psi_drift</c>
/// (0.1 / 0.2, when PSI decides), <c>drift_invalid_warning</c> / <c>drift_invalid_drift</c> (rise in the share of
/// NaN/±infinity values; 0.01 / 0.05), <c>drift_categorical_max_distinct</c> (an integer feature whose reference
/// holds at most this many distinct values is categorical; default 20, 0 for none), <c>drift_js_warning</c> /
/// <c>drift_js_drift</c> (a categorical feature's Jensen–Shannon distance; 0.1 / 0.2), <c>drift_unseen_warning</c> /
/// <c>drift_unseen_drift</c> (share of values in categories the reference lacks; 0.01 / 0.05), <c>drift_feature_names.TENSOR</c> (comma-separated column names for JSON and
/// metric labels, one per feature), <c>drift_max_columns</c> (per-column features
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

    /// <summary>
    /// An integer feature whose reference holds at most this many distinct values (counted exactly) is categorical.
    /// Default 20: codes, flags and small enumerations, while counts and ids, with more values, stay numeric. At most
    /// the sketch's 100 counters, so the detection always sees exact counts.
    /// </summary>
    public int CategoricalMaxDistinct { get; init; } = 20;

    /// <summary>Column names per tensor (from <c>drift_feature_names.TENSOR</c>); a tensor not named here uses indices.</summary>
    public IReadOnlyDictionary<string, string[]> FeatureNames { get; init; } = new Dictionary<string, string[]>();

    /// <summary>The config parameter prefix that names a tensor's columns.</summary>
    public const string FeatureNamesPrefix = "drift_feature_names.";

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
            CategoricalMaxDistinct = (int)Number(config, "drift_categorical_max_distinct", options.CategoricalMaxDistinct, 0, Sketches.FrequentItems.DefaultCapacity),
            Thresholds = new DriftThresholds
            {
                Decision = Decision(config),
                WassersteinWarning = Number(config, "drift_wasserstein_warning", options.Thresholds.WassersteinWarning, 0, 100),
                WassersteinDrift = Number(config, "drift_wasserstein_drift", options.Thresholds.WassersteinDrift, 0, 100),
                Significance = Number(config, "drift_significance", options.Thresholds.Significance, 0, 1),
                PsiWarning = Number(config, "drift_psi_warning", options.Thresholds.PsiWarning, 0, 100),
                PsiDrift = Number(config, "drift_psi_drift", options.Thresholds.PsiDrift, 0, 100),
                InvalidWarning = Number(config, "drift_invalid_warning", options.Thresholds.InvalidWarning, 0, 1),
                InvalidDrift = Number(config, "drift_invalid_drift", options.Thresholds.InvalidDrift, 0, 1),
                JensenShannonWarning = Number(config, "drift_js_warning", options.Thresholds.JensenShannonWarning, 0, 1),
                JensenShannonDrift = Number(config, "drift_js_drift", options.Thresholds.JensenShannonDrift, 0, 1),
                UnseenWarning = Number(config, "drift_unseen_warning", options.Thresholds.UnseenWarning, 0, 1),
                UnseenDrift = Number(config, "drift_unseen_drift", options.Thresholds.UnseenDrift, 0, 1),
            },
            FeatureNames = Names(config),
        };
    }

    private static DriftDecision Decision(ModelConfig config) =>
        !config.Parameters.TryGetValue("drift_decision", out var parameter) ? DriftDecision.Wasserstein
        : parameter.StringValue switch
        {
            "wasserstein" => DriftDecision.Wasserstein,
            "psi" => DriftDecision.Psi,
            _ => throw new FormatException($"parameter 'drift_decision' must be 'wasserstein' or 'psi', got '{parameter.StringValue}'"),
        };

    // Names become label values and JSON strings: any non-empty text, unique within the tensor.
    private static Dictionary<string, string[]> Names(ModelConfig config)
    {
        var names = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (key, parameter) in config.Parameters)
        {
            if (!key.StartsWith(FeatureNamesPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            var columns = parameter.StringValue.Split(',', StringSplitOptions.TrimEntries);
            if (columns.Any(c => c.Length == 0) || columns.Distinct(StringComparer.Ordinal).Count() != columns.Length)
            {
                throw new FormatException($"parameter '{key}' must be comma-separated, non-empty, distinct column names, got '{parameter.StringValue}'");
            }

            names[key[FeatureNamesPrefix.Length..]] = columns;
        }

        return names;
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
