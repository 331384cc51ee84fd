using InferenceServer.Core.Telemetry.Sketches;

namespace InferenceServer.Core.Telemetry.Drift;

/// <summary>
/// Bins cut at a reference distribution's quantiles (deciles by default), with the reference's share
/// in each: the fixed histogram that PSI and the Jensen–Shannon distance compare against.
/// </summary>
/// <remarks>
/// <para>
/// With inner edges <c>e_1 &lt; … &lt; e_(B−1)</c>, bin 0 is <c>(−∞, e_1]</c>, bin j is
/// <c>(e_j, e_(j+1)]</c> and the last is <c>(e_(B−1), +∞)</c>, matching <see cref="KllSketch.Rank"/>'s
/// "≤" so a bin's share is a difference of two ranks.
/// </para>
/// <para>
/// Discrete data repeats quantiles (a feature that is 0 half the time has five equal lower deciles);
/// equal edges are kept once, so there are fewer bins, and the reference shares come from the
/// sketch's rank at each edge rather than from 1/B, so a bin holding a heavy tie gets its true share.
/// Immutable once built.
/// </para>
/// </remarks>
public sealed class QuantileBins
{
    /// <summary>Default number of bins: deciles.</summary>
    public const int DefaultBinCount = 10;

    /// <summary>Largest accepted number of bins.</summary>
    public const int MaxBinCount = 1000;

    private readonly double[] _edges;
    private readonly double[] _referenceProportions;

    private QuantileBins(double[] edges, double[] referenceProportions)
    {
        _edges = edges;
        _referenceProportions = referenceProportions;
    }

    /// <summary>Inner edges, strictly ascending; one fewer than <see cref="Count"/>.</summary>
    public ReadOnlySpan<double> Edges => _edges;

    /// <summary>The reference's share of each bin; they add up to 1.</summary>
    public ReadOnlySpan<double> ReferenceProportions => _referenceProportions;

    /// <summary>Number of bins (fewer than asked for when the reference has ties at its quantiles).</summary>
    public int Count => _referenceProportions.Length;

    /// <summary>Cuts bins at the reference's quantiles <c>j / binCount</c>, <c>j = 1 … binCount − 1</c>.</summary>
    /// <exception cref="ArgumentException">The reference sketch is empty.</exception>
    public static QuantileBins FromReference(KllSketch reference, int binCount = DefaultBinCount)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentOutOfRangeException.ThrowIfLessThan(binCount, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(binCount, MaxBinCount);
        if (reference.IsEmpty)
        {
            throw new ArgumentException("The reference sketch is empty.", nameof(reference));
        }

        var edges = new List<double>(binCount - 1);
        for (var j = 1; j < binCount; j++)
        {
            var edge = reference.Quantile((double)j / binCount);
            if (edges.Count == 0 || edge > edges[^1])
            {
                edges.Add(edge);
            }
        }

        var bins = new QuantileBins(edges.ToArray(), new double[edges.Count + 1]);
        bins.ComputeProportions(reference, bins._referenceProportions);
        return bins;
    }

    /// <summary>Writes <paramref name="sketch"/>'s share of each bin to <paramref name="destination"/>
    /// (length ≥ <see cref="Count"/>); NaN throughout when the sketch is empty.</summary>
    public void ComputeProportions(KllSketch sketch, Span<double> destination)
    {
        ArgumentNullException.ThrowIfNull(sketch);
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, Count, nameof(destination));
        var below = 0.0;
        for (var j = 0; j < _edges.Length; j++)
        {
            var rank = sketch.Rank(_edges[j]);
            destination[j] = rank - below;
            below = rank;
        }

        destination[_edges.Length] = 1 - below;
    }
}
