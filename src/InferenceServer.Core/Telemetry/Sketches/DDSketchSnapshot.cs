namespace InferenceServer.Core.Telemetry.Sketches;

/// <summary>
/// A <see cref="DDSketch"/> as plain data, for export to a fleet aggregator or a file
/// (<see cref="DDSketch.ToSnapshot"/>, <see cref="DDSketch.FromSnapshot"/>). Only simple types, so a
/// source-generated JSON context serializes it without reflection.
/// </summary>
/// <remarks>
/// Bin i of a store holds the values whose magnitude lies in <c>(γ^(i−1), γ^i]</c> with
/// <c>γ = (1 + α) / (1 − α)</c>; <c>PositiveCounts[j]</c> is the count of bin <c>PositiveOffset + j</c>
/// (likewise for negative values by magnitude). An empty sketch exports <see cref="Min"/> and
/// <see cref="Max"/> as 0, since JSON has no infinities. Arrays compare by reference in the record's
/// equality; compare the fields to compare content.
/// </remarks>
public sealed record DDSketchSnapshot
{
    /// <summary>α, the sketch's relative accuracy.</summary>
    public double RelativeAccuracy { get; init; } = DDSketch.DefaultRelativeAccuracy;

    /// <summary>Bound on each store's bins; 0 reads as <see cref="DDSketch.DefaultMaxBinsPerStore"/>.</summary>
    public int MaxBinsPerStore { get; init; } = DDSketch.DefaultMaxBinsPerStore;

    /// <summary>Values counted as zero.</summary>
    public long ZeroCount { get; init; }

    /// <summary>Bin index of <see cref="PositiveCounts"/>[0].</summary>
    public int PositiveOffset { get; init; }

    /// <summary>Counts of consecutive positive bins from <see cref="PositiveOffset"/>.</summary>
    public long[] PositiveCounts { get; init; } = [];

    /// <summary>Bin index (by magnitude) of <see cref="NegativeCounts"/>[0].</summary>
    public int NegativeOffset { get; init; }

    /// <summary>Counts of consecutive negative-value bins (by magnitude) from <see cref="NegativeOffset"/>.</summary>
    public long[] NegativeCounts { get; init; } = [];

    /// <summary>Finite values in the sketch: the sum of every bin count and <see cref="ZeroCount"/>.</summary>
    public long Count { get; init; }

    /// <summary>±infinity values offered to the sketch and left out of it.</summary>
    public long NonFiniteCount { get; init; }

    /// <summary>Smallest finite value (0 when empty).</summary>
    public double Min { get; init; }

    /// <summary>Largest finite value (0 when empty).</summary>
    public double Max { get; init; }

    /// <summary>Sum of the finite values.</summary>
    public double Sum { get; init; }
}
