using InferenceServer.Core.Telemetry.Sketches;

namespace InferenceServer.Core.Telemetry.Drift;

/// <summary>
/// A categorical feature's current category counts against its reference's, computed once for the categorical
/// statistics: Pearson's χ² test of homogeneity on the 2 × C table of counts (with its p-value), the
/// Jensen–Shannon distance between the two sides' category shares, and the share of current values in categories
/// the reference does not hold.
/// </summary>
/// <remarks>
/// The categories are the union of both sketches' counters plus one "other" category on each side holding what its
/// sketch dropped (<see cref="FrequentItems.Untracked"/>; 0 while a sketch holds at most its 100 counters' worth of
/// categories, when every count is exact). A category of the current side that the reference does not hold counts
/// with a reference count of 0: the test of homogeneity needs no expected count of the reference's alone, so a new
/// category raises χ² without making it infinite.
/// </remarks>
public sealed class CategoryComparison
{
    public CategoryComparison(FrequentItems reference, FrequentItems current)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(current);
        var referenceCounts = new List<double>();
        var currentCounts = new List<double>();
        long unseen = 0;
        foreach (var (key, count) in reference.Counts)
        {
            referenceCounts.Add(count);
            currentCounts.Add(current.Count(key));
        }

        foreach (var (key, count) in current.Counts)
        {
            if (!reference.Contains(key))
            {
                referenceCounts.Add(0);
                currentCounts.Add(count);
                unseen += count;
            }
        }

        referenceCounts.Add(reference.Untracked);
        currentCounts.Add(current.Untracked);
        double r = reference.Total, s = current.Total;
        (ChiSquare, DegreesOfFreedom) = Homogeneity(referenceCounts, currentCounts, r, s);
        PValue = ChiSquareDistribution.Survival(ChiSquare, Math.Max(DegreesOfFreedom, 1));
        if (DegreesOfFreedom == 0)
        {
            PValue = 1;
        }

        var p = referenceCounts.Select(c => c / r).ToArray();
        var q = currentCounts.Select(c => c / s).ToArray();
        JensenShannonDistance = DriftScores.JensenShannonDistance(p, q);
        // A reference that dropped categories (more than its counters) would read much of a high-cardinality stream as
        // unseen: its own untracked share is taken off.
        UnseenShare = Math.Max(0, (unseen / s) - (reference.Untracked / r));
    }

    /// <summary>Pearson's χ² of the 2 × C table (reference, current) × categories.</summary>
    public double ChiSquare { get; }

    /// <summary>Categories with a count on either side, minus one.</summary>
    public int DegreesOfFreedom { get; }

    /// <summary>P(χ²(df) ≥ <see cref="ChiSquare"/>): the chance of a difference this large between two samples of one distribution.</summary>
    public double PValue { get; }

    /// <summary>√ of the base-2 Jensen–Shannon divergence between the reference's and the current category shares, in [0, 1].</summary>
    public double JensenShannonDistance { get; }

    /// <summary>Share of current values in categories the reference does not hold, less the reference's own untracked share.</summary>
    public double UnseenShare { get; }

    // Σ over both rows and every category with a count of (observed − expected)² / expected, expected = row total ×
    // category total / grand total.
    private static (double ChiSquare, int DegreesOfFreedom) Homogeneity(List<double> reference, List<double> current, double r, double s)
    {
        var total = r + s;
        var chiSquare = 0.0;
        var categories = 0;
        for (var c = 0; c < reference.Count; c++)
        {
            var column = reference[c] + current[c];
            if (column <= 0)
            {
                continue;
            }

            categories++;
            var expectedReference = r * column / total;
            var expectedCurrent = s * column / total;
            chiSquare += ((reference[c] - expectedReference) * (reference[c] - expectedReference) / expectedReference)
                + ((current[c] - expectedCurrent) * (current[c] - expectedCurrent) / expectedCurrent);
        }

        return (chiSquare, Math.Max(0, categories - 1));
    }
}
