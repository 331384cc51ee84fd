using System.Diagnostics.CodeAnalysis;

namespace InferenceServer.Core.Telemetry.Sketches;

/// <summary>Throw helpers that keep exception construction out of the sketches' hot paths.</summary>
internal static class SketchThrow
{
    [DoesNotReturn]
    public static void QuantileOutOfRange(double q) =>
        throw new ArgumentOutOfRangeException(nameof(q), q, "The quantile must be in [0, 1].");

    [DoesNotReturn]
    public static void CountNegative(long count) =>
        throw new ArgumentOutOfRangeException(nameof(count), count, "The count must not be negative.");

    public static ArgumentException InvalidSnapshot(string reason) =>
        new($"Invalid sketch snapshot: {reason}.", "snapshot");
}
