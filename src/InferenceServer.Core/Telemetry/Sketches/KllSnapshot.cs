namespace InferenceServer.Core.Telemetry.Sketches;

/// <summary>
/// A <see cref="KllSketch"/> as plain data, for a stored reference profile or a fleet aggregator
/// (<see cref="KllSketch.ToSnapshot"/>, <see cref="KllSketch.FromSnapshot(KllSnapshot)"/>). Only simple
/// types, so a source-generated JSON context serializes it without reflection.
/// </summary>
/// <remarks>
/// Each item of <c>Levels[h]</c> stands for 2^h values, so <c>Σ_h Levels[h].Length · 2^h = Count</c>.
/// Level 0 is in arrival order; higher levels are sorted. An empty sketch exports <see cref="Min"/>
/// and <see cref="Max"/> as 0, since JSON has no infinities. Arrays compare by reference in the
/// record's equality.
/// </remarks>
public sealed record KllSnapshot
{
    /// <summary>The sketch's accuracy parameter.</summary>
    public int K { get; init; } = KllSketch.DefaultK;

    /// <summary>Number of values the sketch summarizes.</summary>
    public long Count { get; init; }

    /// <summary>Exact smallest value (0 when empty).</summary>
    public double Min { get; init; }

    /// <summary>Exact largest value (0 when empty).</summary>
    public double Max { get; init; }

    /// <summary>Retained items by level, lowest first; at least one level.</summary>
    public double[][] Levels { get; init; } = [];
}
