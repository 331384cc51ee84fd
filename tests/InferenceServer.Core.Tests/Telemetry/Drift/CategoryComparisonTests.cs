using InferenceServer.Core.Telemetry.Drift;
using InferenceServer.Core.Telemetry.Sketches;

namespace InferenceServer.Core.Tests.Telemetry.Drift;

/// <summary>
/// The categorical statistics on known tables: Pearson's χ² of a 2 × C table of counts and its p-value, the
/// Jensen–Shannon distance of the shares, the unseen share; and their behaviour at both ends of the sample size:
/// the same shares at a million rows give a large p-value, a real change of shares at a few hundred a tiny one.
/// </summary>
public class CategoryComparisonTests
{
    private static FrequentItems Counts(params (long Key, long Count)[] counts)
    {
        var sketch = new FrequentItems();
        foreach (var (key, count) in counts)
        {
            for (var i = 0; i < count; i++)
            {
                sketch.Add(key);
            }
        }

        return sketch;
    }

    [Fact]
    public void TwoByTwo_ChiSquareAndPValue_MatchTheTextbook()
    {
        // Expected 15 in every cell: χ² = 4 · 5² / 15 = 6.667, one degree of freedom, p = erfc(√(χ²/2)) = 0.00982.
        var comparison = new CategoryComparison(Counts((1, 10), (2, 20)), Counts((1, 20), (2, 10)));

        Assert.Equal(20.0 / 3, comparison.ChiSquare, 10);
        Assert.Equal(1, comparison.DegreesOfFreedom);
        Assert.Equal(0.009823274507519, comparison.PValue, 1e-9);
        Assert.Equal(0, comparison.UnseenShare);
    }

    [Fact]
    public void SameShares_NoDifference()
    {
        var comparison = new CategoryComparison(Counts((1, 500), (2, 300), (3, 200)), Counts((1, 50), (2, 30), (3, 20)));

        Assert.Equal(0, comparison.ChiSquare, 12);
        Assert.Equal(1, comparison.PValue, 12);
        Assert.Equal(0, comparison.JensenShannonDistance, 6);
    }

    [Fact]
    public void NewCategory_CountsAsUnseen_AndRaisesChiSquare()
    {
        var comparison = new CategoryComparison(Counts((1, 500), (2, 500)), Counts((1, 45), (2, 45), (3, 10)));

        Assert.Equal(0.1, comparison.UnseenShare, 12);
        Assert.Equal(2, comparison.DegreesOfFreedom);
        Assert.True(comparison.PValue < 1e-6, $"p = {comparison.PValue}");
    }

    [Fact]
    public void SampleSize_TinyShiftAtAMillionRows_SignificantButSmall_RealShiftAtFourHundred_Large()
    {
        // One point of share moved at 10⁶ rows: χ² calls it significant, the distance stays far under the warning level.
        var tiny = new CategoryComparison(Counts((1, 5_000), (2, 3_000), (3, 2_000)), Counts((1, 490_000), (2, 300_000), (3, 210_000)));
        Assert.True(tiny.JensenShannonDistance < 0.05, $"JS {tiny.JensenShannonDistance}");

        // (0.5, 0.3, 0.2) → (0.3, 0.3, 0.4) at 400 rows: significant and past the drift level.
        var real = new CategoryComparison(Counts((1, 5_000), (2, 3_000), (3, 2_000)), Counts((1, 120), (2, 120), (3, 160)));
        Assert.True(real.PValue < 1e-6, $"p = {real.PValue}");
        Assert.True(real.JensenShannonDistance >= 0.2, $"JS {real.JensenShannonDistance}");
    }
}
