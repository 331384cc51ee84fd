using System.Globalization;
using System.Text.Json;
using InferenceServer.Core.Models;
using InferenceServer.Core.Telemetry.Drift;
using InferenceServer.Core.Telemetry.Latency;
using InferenceServer.Core.Telemetry.Profiles;
using InferenceServer.Core.Telemetry.Sketches;

namespace InferenceServer.Protocols.Http;

/// <summary>
/// JSON of the sketches: latency quantiles (in the statistics), the latency sketches themselves (for a fleet to
/// merge) and drift reports. Durations are microseconds; a value that does not exist (no data) is null.
/// </summary>
internal static class TelemetryJson
{
    private static readonly JsonEncodedText[] QuantileNames =
        [.. FeatureDrift.ReportedQuantiles.Select(q => JsonEncodedText.Encode("p" + (q * 100).ToString("0.##", CultureInfo.InvariantCulture)))];

    /// <summary><c>"latency_us": {"request": {"lifetime": {"count": n, "p50": …, "p90": …, "p99": …, "p999": …}, "1m": …, "5m": …}, "queue": …, "compute": …}</c></summary>
    public static void WriteLatencyQuantiles(Utf8JsonWriter writer, LatencySketches latency)
    {
        writer.WriteStartObject("latency_us"u8);
        foreach (var stage in LatencyLabels.Stages)
        {
            writer.WriteStartObject(stage.ToLabel());
            foreach (var window in LatencyLabels.Windows)
            {
                var sketch = latency.Read(stage, window);
                writer.WriteStartObject(window.ToLabel());
                writer.WriteNumber("count"u8, sketch.Count);
                foreach (var quantile in LatencyLabels.Quantiles)
                {
                    writer.WriteNumberOrNull(QuantileName(quantile), sketch.Quantile(quantile));
                }

                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    /// <summary>"p50", "p90", "p99", "p999".</summary>
    public static ReadOnlySpan<byte> QuantileName(double quantile) => quantile switch
    {
        0.5 => "p50"u8,
        0.9 => "p90"u8,
        0.99 => "p99"u8,
        0.999 => "p999"u8,
        _ => System.Text.Encoding.UTF8.GetBytes("p" + (quantile * 100).ToString(CultureInfo.InvariantCulture)),
    };

    /// <summary>The DDSketches themselves, per version, stage and window, mergeable by anyone with the same mapping.</summary>
    public static void WriteLatencySketches(Utf8JsonWriter writer, IEnumerable<ModelVersion> versions)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("model_sketches"u8);
        foreach (var version in versions)
        {
            writer.WriteStartObject();
            writer.WriteString("name"u8, version.Name);
            writer.WriteString("version"u8, version.VersionString);
            writer.WriteString("unit"u8, "us");
            if (version.Statistics.Latency is { } latency)
            {
                foreach (var stage in LatencyLabels.Stages)
                {
                    writer.WriteStartObject(stage.ToLabel());
                    foreach (var window in LatencyLabels.Windows)
                    {
                        writer.WritePropertyName(window.ToLabel());
                        WriteSketch(writer, latency.Read(stage, window).ToSnapshot());
                    }

                    writer.WriteEndObject();
                }
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteSketch(Utf8JsonWriter writer, DDSketchSnapshot sketch)
    {
        writer.WriteStartObject();
        writer.WriteNumber("relative_accuracy"u8, sketch.RelativeAccuracy);
        writer.WriteNumber("count"u8, sketch.Count);
        writer.WriteNumber("zero_count"u8, sketch.ZeroCount);
        writer.WriteNumberOrNull("min"u8, sketch.Min);
        writer.WriteNumberOrNull("max"u8, sketch.Max);
        writer.WriteNumberOrNull("sum"u8, sketch.Sum);
        writer.WriteNumber("positive_offset"u8, sketch.PositiveOffset);
        WriteCounts(writer, "positive_counts"u8, sketch.PositiveCounts);
        writer.WriteNumber("negative_offset"u8, sketch.NegativeOffset);
        WriteCounts(writer, "negative_counts"u8, sketch.NegativeCounts);
        writer.WriteEndObject();
    }

    private static void WriteCounts(Utf8JsonWriter writer, ReadOnlySpan<byte> name, long[] counts)
    {
        writer.WriteStartArray(name);
        foreach (var count in counts)
        {
            writer.WriteNumberValue(count);
        }

        writer.WriteEndArray();
    }

    /// <summary>
    /// One report per version: reference, thresholds, summary, and per tensor and feature the statistics and scores.
    /// With a canary's <paramref name="primary"/>, every other version also gets <c>versus_primary</c>: its outputs
    /// scored against the primary's (<see cref="PrimaryComparison"/>).
    /// </summary>
    public static void WriteDrift(Utf8JsonWriter writer, IEnumerable<ModelVersion> versions, ModelVersion? primary = null)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("model_drift"u8);
        foreach (var version in versions)
        {
            writer.WriteStartObject();
            writer.WriteString("name"u8, version.Name);
            writer.WriteString("version"u8, version.VersionString);
            if (version.Profile is { } profile)
            {
                WriteReport(writer, DriftReport.Build(profile));
                if (primary is { Profile: { } primaryProfile } && !ReferenceEquals(primary, version))
                {
                    writer.WriteStartObject("versus_primary"u8);
                    writer.WriteString("version"u8, primary.VersionString);
                    WriteTensors(writer, PrimaryComparison.Build(profile, primaryProfile));
                    writer.WriteEndObject();
                }
            }
            else
            {
                writer.WriteBoolean("enabled"u8, false);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteReport(Utf8JsonWriter writer, DriftReport report)
    {
        writer.WriteBoolean("enabled"u8, true);
        writer.WriteNumber("requests"u8, report.Requests);
        writer.WriteStartObject("reference"u8);
        if (report.ReferenceSource is { } source)
        {
            writer.WriteString("source"u8, source);
            writer.WriteNumber("requests"u8, report.ReferenceRequests);
        }
        else
        {
            writer.WriteNull("source"u8);
            writer.WriteNumber("frozen_after_requests"u8, report.Options.ReferenceRequests);
        }

        writer.WriteEndObject();
        writer.WriteStartObject("thresholds"u8);
        var thresholds = report.Options.Thresholds;
        writer.WriteString("decision"u8, thresholds.Decision == DriftDecision.Psi ? "psi" : "wasserstein");
        writer.WriteNumber("wasserstein_warning"u8, thresholds.WassersteinWarning);
        writer.WriteNumber("wasserstein_drift"u8, thresholds.WassersteinDrift);
        writer.WriteNumber("significance"u8, thresholds.Significance);
        writer.WriteNumber("psi_warning"u8, thresholds.PsiWarning);
        writer.WriteNumber("psi_drift"u8, thresholds.PsiDrift);
        writer.WriteNumber("invalid_warning"u8, thresholds.InvalidWarning);
        writer.WriteNumber("invalid_drift"u8, thresholds.InvalidDrift);
        writer.WriteNumber("js_warning"u8, thresholds.JensenShannonWarning);
        writer.WriteNumber("js_drift"u8, thresholds.JensenShannonDrift);
        writer.WriteNumber("unseen_warning"u8, thresholds.UnseenWarning);
        writer.WriteNumber("unseen_drift"u8, thresholds.UnseenDrift);
        writer.WriteNumber("categorical_max_distinct"u8, report.Options.CategoricalMaxDistinct);
        writer.WriteEndObject();
        writer.WriteNumber("window_seconds"u8, report.Options.Window.TotalSeconds);
        writer.WriteStartObject("summary"u8);
        WriteSummary(writer, "lifetime"u8, report.Lifetime);
        WriteSummary(writer, "window"u8, report.Window);
        writer.WriteEndObject();
        WriteTensors(writer, report.Tensors);
    }

    private static void WriteTensors(Utf8JsonWriter writer, IReadOnlyList<TensorDrift> tensors)
    {
        writer.WriteStartArray("tensors"u8);
        foreach (var tensor in tensors)
        {
            writer.WriteStartObject();
            writer.WriteString("name"u8, tensor.Name);
            writer.WriteString("kind"u8, tensor.Kind);
            writer.WriteBoolean("per_column"u8, tensor.PerColumn);
            if (tensor.LifetimeClassShares is { } lifetimeShares)
            {
                writer.WriteStartObject("class_shares"u8);
                WriteNumbers(writer, "lifetime"u8, lifetimeShares);
                WriteNumbers(writer, "window"u8, tensor.WindowClassShares ?? []);
                writer.WriteEndObject();
            }

            writer.WriteStartArray("features"u8);
            foreach (var feature in tensor.Features)
            {
                WriteFeature(writer, feature);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteSummary(Utf8JsonWriter writer, ReadOnlySpan<byte> name, DriftSummary summary)
    {
        writer.WriteStartObject(name);
        writer.WriteNumber("features_scored"u8, summary.Features);
        writer.WriteNumber("warning"u8, summary.Warning);
        writer.WriteNumber("drift"u8, summary.Drift);
        writer.WriteNumber("drift_share"u8, summary.DriftShare);
        writer.WriteNumber("warning_share"u8, summary.WarningShare);
        writer.WriteEndObject();
    }

    private static void WriteFeature(Utf8JsonWriter writer, FeatureDrift feature)
    {
        writer.WriteStartObject();
        writer.WriteNumber("index"u8, feature.Index);
        writer.WriteString("name"u8, feature.Name);
        writer.WriteNumber("count"u8, feature.Moments.Count);
        writer.WriteNumber("nan_count"u8, feature.Moments.NaNCount);
        writer.WriteNumber("inf_count"u8, feature.Moments.InfinityCount);
        writer.WriteNumberOrNull("min"u8, feature.Moments.Min);
        writer.WriteNumberOrNull("max"u8, feature.Moments.Max);
        writer.WriteNumberOrNull("mean"u8, feature.Moments.Mean);
        writer.WriteNumberOrNull("variance"u8, feature.Moments.Variance);
        writer.WriteStartObject("quantiles"u8);
        WriteQuantiles(writer, "lifetime"u8, feature.LifetimeQuantiles);
        WriteQuantiles(writer, "window"u8, feature.WindowQuantiles);
        writer.WriteEndObject();
        writer.WriteBoolean("categorical"u8, feature.Categorical);
        if (feature.Categorical)
        {
            writer.WriteStartArray("categories"u8);
            foreach (var category in feature.Categories)
            {
                writer.WriteStartObject();
                writer.WriteString("value"u8, category.Value);
                writer.WriteNumber("reference"u8, category.Reference);
                writer.WriteNumber("lifetime"u8, category.Lifetime);
                writer.WriteNumber("window"u8, category.Window);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        WriteScore(writer, "lifetime"u8, feature.Lifetime, feature.LifetimeLevel);
        WriteScore(writer, "window"u8, feature.Window, feature.WindowLevel);
        writer.WriteNumber("window_count"u8, feature.WindowCount);
        writer.WriteEndObject();
    }

    // {"p10": …, "p50": …, "p90": …}: the keys follow FeatureDrift.ReportedQuantiles.
    private static void WriteQuantiles(Utf8JsonWriter writer, ReadOnlySpan<byte> name, IReadOnlyList<double> values)
    {
        writer.WriteStartObject(name);
        for (var i = 0; i < values.Count; i++)
        {
            writer.WriteNumberOrNull(QuantileNames[i], values[i]);
        }

        writer.WriteEndObject();
    }

    private static void WriteNumbers(Utf8JsonWriter writer, ReadOnlySpan<byte> name, IReadOnlyList<double> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteNumberValue(value);
        }

        writer.WriteEndArray();
    }

    private static void WriteScore(Utf8JsonWriter writer, ReadOnlySpan<byte> name, DriftScore? score, DriftLevel level)
    {
        if (score is not { } value)
        {
            writer.WriteNull(name);
            return;
        }

        writer.WriteStartObject(name);
        foreach (var statistic in DriftStatistics.All)
        {
            writer.WriteNumberOrNull(statistic.JsonName, value[statistic]);
        }

        writer.WriteString("level"u8, level switch { DriftLevel.Drift => "drift", DriftLevel.Warning => "warning", _ => "none" });
        writer.WriteEndObject();
    }
}
