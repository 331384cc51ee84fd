using InferenceServer.Core.Telemetry.Drift;

namespace InferenceServer.Core.Tests.Telemetry.Drift;

/// <summary>
/// The default decision at both ends of the sample-size range, on synthetic normal data: a negligible shift
/// measured on a million rows (where any test's p-value is ~0) does not alert, a real shift measured on a few
/// hundred rows does, and an unshifted small window (where effect sizes are noisy) does not alert by chance.
/// </summary>
public class SampleSizeTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Default_HundredthSigmaShiftAtMillionRows_NoAlert(int seed)
    {
        var reference = DriftTestSketches.Reference(DriftTestSketches.Normal(1_000_000, seed, shift: 0), seed);

        var score = DriftTestSketches.Score(reference, DriftTestSketches.Normal(1_000_000, seed + 100, shift: 0.01), seed + 100);

        // The true distance is 0.01; the rest is the sketches' resolution (see WassersteinTests).
        Assert.True(score[DriftStatistics.Wasserstein] < 0.06, $"Wasserstein {score[DriftStatistics.Wasserstein]}");
        Assert.Equal(DriftLevel.None, DriftThresholds.Default.Classify(score));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Default_HalfSigmaShiftAt500Rows_Drift(int seed)
    {
        var reference = DriftTestSketches.Reference(DriftTestSketches.Normal(10_000, seed, shift: 0), seed);

        var score = DriftTestSketches.Score(reference, DriftTestSketches.Normal(500, seed + 100, shift: 0.5), seed + 100);

        Assert.True(score[DriftStatistics.KolmogorovSmirnovPValue] < 1e-6, $"p {score[DriftStatistics.KolmogorovSmirnovPValue]}");
        Assert.Equal(DriftLevel.Drift, DriftThresholds.Default.Classify(score));
    }

    [Fact]
    public void Default_NoShiftAt100Rows_AlertsAtMostAtTheSignificanceRate()
    {
        // 200 windows of 100 rows from the reference's own distribution: Wasserstein alone (about 0.07σ of noise
        // here) puts a good share of them over the warning threshold; the p-value gate lets through about 0.1 %.
        var reference = DriftTestSketches.Reference(DriftTestSketches.Normal(20_000, 5, shift: 0), 5);
        var alerts = 0;
        var overWarning = 0;
        for (var seed = 0; seed < 200; seed++)
        {
            var score = DriftTestSketches.Score(reference, DriftTestSketches.Normal(100, 1000 + seed, shift: 0), 1000 + seed);
            alerts += DriftThresholds.Default.Classify(score) == DriftLevel.None ? 0 : 1;
            overWarning += score[DriftStatistics.Wasserstein] >= DriftThresholds.Default.WassersteinWarning ? 1 : 0;
        }

        Assert.True(alerts <= 2, $"{alerts} of 200 unshifted windows alerted");
        Assert.True(overWarning > 20, $"only {overWarning} of 200 windows over the Wasserstein warning: the gate is not what this test shows");
    }

    [Fact]
    public void Psi_NoShiftAt100Rows_OverReadsSmallWindows()
    {
        // Why PSI does not decide by default: its sampling noise is about (bins − 1)/n = 0.09 at n = 100.
        var reference = DriftTestSketches.Reference(DriftTestSketches.Normal(20_000, 6, shift: 0), 6);
        var mean = Enumerable.Range(0, 50).Average(seed =>
            DriftTestSketches.Score(reference, DriftTestSketches.Normal(100, 2000 + seed, shift: 0), 2000 + seed)[DriftStatistics.Psi]);

        Assert.InRange(mean, 0.05, 0.15);
    }
}
