using System.Globalization;
using System.Text.Json;
using InferenceServer.Core.Traffic;

namespace InferenceServer.Protocols.Http;

/// <summary>
/// <c>GET /v2/models/{m}/traffic</c>: the policy in force (in the same JSON as traffic.json), where it came from,
/// whether the rollback guard took the canary out and why, and per shadow its counters and output divergence.
/// </summary>
internal static class TrafficJson
{
    public static void Write(Utf8JsonWriter writer, string model, ModelTraffic? traffic)
    {
        writer.WriteStartObject();
        writer.WriteString("model"u8, model);
        if (traffic is null)
        {
            writer.WriteNull("source"u8);
            writer.WritePropertyName("policy"u8);
            TrafficPolicyJson.Write(writer, TrafficPolicy.None);
            writer.WriteNull("rolled_back"u8);
            writer.WriteStartArray("shadows"u8);
            writer.WriteEndArray();
            writer.WriteEndObject();
            return;
        }

        writer.WriteString("source"u8, traffic.Source);
        writer.WritePropertyName("policy"u8);
        TrafficPolicyJson.Write(writer, traffic.Policy);
        if (traffic.TrippedReason is { } reason)
        {
            writer.WriteString("rolled_back"u8, reason);
        }
        else
        {
            writer.WriteNull("rolled_back"u8);
        }

        writer.WriteStartArray("shadows"u8);
        foreach (var shadow in traffic.Shadows)
        {
            writer.WriteStartObject();
            writer.WriteString("version"u8, shadow.Target.Version.ToString(CultureInfo.InvariantCulture));
            writer.WriteNumber("mirrored"u8, shadow.Mirrored);
            writer.WriteNumber("dropped"u8, shadow.Dropped);
            writer.WriteNumber("failed"u8, shadow.Failed);
            writer.WriteNumber("completed"u8, shadow.Completed);
            writer.WriteStartArray("outputs"u8);
            foreach (var (name, divergence) in shadow.Divergence.OrderBy(d => d.Key, StringComparer.Ordinal))
            {
                var snapshot = divergence.Snapshot();
                writer.WriteStartObject();
                writer.WriteString("name"u8, name);
                writer.WriteNumber("pairs"u8, snapshot.Pairs);
                writer.WriteNumber("elements"u8, snapshot.Elements);
                writer.WriteNumberOrNull("max_abs_diff"u8, snapshot.MaxAbsDiff);
                writer.WriteNumberOrNull("mean_abs_diff"u8, snapshot.MeanAbsDiff);
                writer.WriteNumber("rows"u8, snapshot.Rows);
                if (snapshot.ArgmaxAgreement is { } agreement)
                {
                    writer.WriteNumber("argmax_agreement"u8, agreement);
                }
                else
                {
                    writer.WriteNull("argmax_agreement"u8);
                }

                writer.WriteNumber("shape_mismatches"u8, snapshot.ShapeMismatches);
                writer.WriteNumber("nan_mismatches"u8, snapshot.NanMismatches);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
