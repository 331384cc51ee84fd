using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;

namespace InferenceServer.Core.Traffic;

/// <summary>
/// The JSON form of a <see cref="TrafficPolicy"/>, used by <c>traffic.json</c> beside <c>config.pbtxt</c> and by
/// <c>GET/PUT /v2/models/{m}/traffic</c>:
/// <code>
/// {
///   "weights": { "1": 90, "2": 10 },
///   "shadow": [ { "version": "3", "percent": 25, "queue_size": 64 } ],
///   "rollback": { "canary": "2", "max_error_rate": 0.05, "max_p99_ratio": 2.0, "window_seconds": 60, "min_requests": 100 }
/// }
/// </code>
/// Every member is optional (<c>{}</c> is the policy with nothing in it); <c>null</c> counts as absent; unknown
/// members are errors. Versions are strings, as in the KServe v2 protocol. <see cref="Write"/> emits what
/// <see cref="TryParse"/> reads back to an equal policy.
/// </summary>
public static class TrafficPolicyJson
{
    /// <summary>
    /// Reads a policy, or false with one error that names the field by its JSON path (<c>shadow[0].percent</c>,
    /// <c>weights."x"</c>), or the line and column of malformed JSON. <paramref name="error"/> is empty on success.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8, [NotNullWhen(true)] out TrafficPolicy? policy, out string error) =>
        new TrafficPolicyReader(utf8).TryRead(out policy, out error);

    /// <summary>
    /// Writes <paramref name="policy"/> as one JSON object. Empty sections are left out; defaults
    /// (<c>queue_size</c>, <c>window_seconds</c>, <c>min_requests</c>) are written so a reader sees what is in force.
    /// </summary>
    public static void Write(Utf8JsonWriter writer, TrafficPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(policy);
        Span<byte> version = stackalloc byte[20];

        writer.WriteStartObject();
        if (policy.HasCanary)
        {
            writer.WriteStartObject("weights"u8);
            foreach (var weight in policy.Weights)
            {
                writer.WriteNumber(Format(weight.Version, version), weight.Weight);
            }

            writer.WriteEndObject();
        }

        if (!policy.Shadows.IsEmpty)
        {
            writer.WriteStartArray("shadow"u8);
            foreach (var shadow in policy.Shadows)
            {
                writer.WriteStartObject();
                writer.WriteString("version"u8, Format(shadow.Version, version));
                writer.WriteNumber("percent"u8, shadow.Percent);
                writer.WriteNumber("queue_size"u8, shadow.QueueSize);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        if (policy.Rollback is { } rollback)
        {
            writer.WriteStartObject("rollback"u8);
            writer.WriteString("canary"u8, Format(rollback.Canary, version));
            if (rollback.MaxErrorRate is { } rate)
            {
                writer.WriteNumber("max_error_rate"u8, rate);
            }

            if (rollback.MaxP99Ratio is { } ratio)
            {
                writer.WriteNumber("max_p99_ratio"u8, ratio);
            }

            writer.WriteNumber("window_seconds"u8, rollback.WindowSeconds);
            writer.WriteNumber("min_requests"u8, rollback.MinRequests);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    // A long needs at most 20 digits; versions are positive, so no sign.
    private static ReadOnlySpan<byte> Format(long version, Span<byte> buffer)
    {
        _ = version.TryFormat(buffer, out var written, provider: CultureInfo.InvariantCulture);
        return buffer[..written];
    }
}
