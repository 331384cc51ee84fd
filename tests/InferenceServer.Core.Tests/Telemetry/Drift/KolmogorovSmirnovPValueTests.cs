using InferenceServer.Core.Telemetry.Drift;

namespace InferenceServer.Core.Tests.Telemetry.Drift;

public class KolmogorovSmirnovPValueTests
{
    [Theory]
    [InlineData(1.2239, 0.10)]
    [InlineData(1.3581, 0.05)]
    [InlineData(1.6276, 0.01)]
    [InlineData(1.9495, 0.001)]
    public void PValue_LargeSamples_MatchesKolmogorovCriticalValues(double lambda, double expected)
    {
        // With n = m = 10^10 the small-sample correction vanishes and p = Q_KS(√(n/2) · d).
        const long n = 10_000_000_000;
        var d = lambda / Math.Sqrt(n / 2.0);

        Assert.Equal(expected, DriftScores.KolmogorovSmirnovPValue(d, n, n), expected * 0.01);
    }

    [Fact]
    public void PValue_ZeroGapOrNoData_OneOrNaN()
    {
        Assert.Equal(1, DriftScores.KolmogorovSmirnovPValue(0, 100, 100));
        Assert.True(double.IsNaN(DriftScores.KolmogorovSmirnovPValue(0.5, 0, 100)));
        Assert.True(double.IsNaN(DriftScores.KolmogorovSmirnovPValue(double.NaN, 100, 100)));
    }

    [Fact]
    public void PValue_SameGap_FallsAsSamplesGrow()
    {
        var previous = 1.0;
        foreach (var n in new long[] { 10, 100, 1_000, 10_000 })
        {
            var p = DriftScores.KolmogorovSmirnovPValue(0.1, n, n);
            Assert.True(p < previous, $"n {n}: p {p} after {previous}");
            previous = p;
        }
    }

    [Fact]
    public void PValue_UnshiftedSketchedSamples_RoughlyUniform()
    {
        // Under the null the p-value is about uniform: about 10 % of 300 pairs under 0.1 (a wide band for 300 draws
        // and for the sketches' rank error at these sizes, which is zero: 400 values stay below the first compaction).
        var under = 0;
        for (var seed = 0; seed < 300; seed++)
        {
            var score = DriftTestSketches.Score(DriftTestSketches.Normal(150, seed, 0), DriftTestSketches.Normal(150, seed + 10_000, 0), seed);
            under += score[DriftStatistics.KolmogorovSmirnovPValue] < 0.1 ? 1 : 0;
        }

        Assert.InRange(under, 12, 50);
    }
}
