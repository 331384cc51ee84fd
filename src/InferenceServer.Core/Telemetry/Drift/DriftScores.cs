using InferenceServer.Core.Telemetry.Sketches;

namespace InferenceServer.Core.Telemetry.Drift;

/// <summary>
/// Distances between a feature's reference distribution and its current one, both held as
/// <see cref="KllSketch"/>es: PSI and the Jensen–Shannon distance over the reference's quantile bins,
/// and the Kolmogorov–Smirnov statistic over the full sketches.
/// </summary>
public static class DriftScores
{
    /// <summary>
    /// Floor on each bin's share in PSI. An empty bin would make <c>ln(a/e)</c> infinite; 1e-4 (one
    /// item in ten thousand) keeps a bin that empties contributing about <c>e · ln(e / 1e-4)</c>, large
    /// for a decile (0.1 · ln 1000 ≈ 0.69, well past the drift threshold) but finite.
    /// </summary>
    public const double PsiProportionFloor = 1e-4;

    // Bins up to this many get their proportions on the stack.
    private const int StackBinLimit = 128;

    /// <summary>Scores <paramref name="current"/> against <paramref name="reference"/> with decile bins built on the spot.</summary>
    public static DriftScore Compute(KllSketch reference, KllSketch current) =>
        Compute(QuantileBins.FromReference(reference), reference, current);

    /// <summary>
    /// Scores <paramref name="current"/> against <paramref name="reference"/> and the bins cut from it.
    /// NaN scores when <paramref name="current"/> is empty.
    /// </summary>
    public static DriftScore Compute(QuantileBins referenceBins, KllSketch reference, KllSketch current)
    {
        ArgumentNullException.ThrowIfNull(referenceBins);
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(current);
        if (current.IsEmpty || reference.IsEmpty)
        {
            return new DriftScore(double.NaN, double.NaN, double.NaN);
        }

        var count = referenceBins.Count;
        var currentProportions = count <= StackBinLimit ? stackalloc double[count] : new double[count];
        referenceBins.ComputeProportions(current, currentProportions);
        var expected = referenceBins.ReferenceProportions;
        return new DriftScore(
            PopulationStabilityIndex(expected, currentProportions),
            JensenShannonDistance(expected, currentProportions),
            KolmogorovSmirnov(reference, current));
    }

    /// <summary>PSI = Σ (a − e) · ln(a / e), each share floored at <see cref="PsiProportionFloor"/>.</summary>
    public static double PopulationStabilityIndex(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(actual.Length, expected.Length, nameof(actual));
        var psi = 0.0;
        for (var i = 0; i < expected.Length; i++)
        {
            var e = Math.Max(expected[i], PsiProportionFloor);
            var a = Math.Max(actual[i], PsiProportionFloor);
            psi += (a - e) * Math.Log(a / e);
        }

        return psi;
    }

    /// <summary>
    /// Square root of the base-2 Jensen–Shannon divergence, in [0, 1]. Needs no floor: each term is
    /// taken against the midpoint, which is positive wherever either share is, and 0 · log 0 counts as 0.
    /// </summary>
    public static double JensenShannonDistance(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(q.Length, p.Length, nameof(q));
        var divergence = 0.0;
        for (var i = 0; i < p.Length; i++)
        {
            // Rank differences can round a few ulps below zero.
            var pi = Math.Max(p[i], 0);
            var qi = Math.Max(q[i], 0);
            var middle = (pi + qi) / 2;
            if (pi > 0)
            {
                divergence += pi * Math.Log2(pi / middle);
            }

            if (qi > 0)
            {
                divergence += qi * Math.Log2(qi / middle);
            }
        }

        return Math.Sqrt(Math.Clamp(divergence / 2, 0, 1));
    }

    /// <summary>
    /// sup_x |F_ref(x) − F_cur(x)| of the two sketches' CDFs. Both are step functions that jump only at
    /// retained items, so evaluating at every retained item of both (one merge walk over the sorted
    /// views) gives the supremum exactly; it matches the exact two-sample statistic within the
    /// sketches' rank errors.
    /// </summary>
    public static double KolmogorovSmirnov(KllSketch reference, KllSketch current)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(current);
        if (reference.IsEmpty || current.IsEmpty)
        {
            return double.NaN;
        }

        var a = reference.GetSortedView();
        var b = current.GetSortedView();
        double aTotal = reference.Count;
        double bTotal = current.Count;
        int i = 0, j = 0;
        var largest = 0.0;
        while (i < a.Length || j < b.Length)
        {
            // Next step point of either CDF; move both past every item at or below it.
            var x = j >= b.Length || (i < a.Length && a.Items[i] <= b.Items[j]) ? a.Items[i] : b.Items[j];
            while (i < a.Length && a.Items[i] <= x)
            {
                i++;
            }

            while (j < b.Length && b.Items[j] <= x)
            {
                j++;
            }

            var fa = i == 0 ? 0 : a.CumulativeWeights[i - 1] / aTotal;
            var fb = j == 0 ? 0 : b.CumulativeWeights[j - 1] / bTotal;
            largest = Math.Max(largest, Math.Abs(fa - fb));
        }

        return largest;
    }
}
