using InferenceServer.Core.Telemetry.Drift;
using InferenceServer.Core.Telemetry.Sketches;

namespace InferenceServer.Core.Tests.Telemetry.Drift;

public class DriftScoresTests
{
    private const int SampleSize = 50_000;

    [Theory]
    [InlineData(1, 2)]
    [InlineData(3, 4)]
    [InlineData(5, 6)]
    [InlineData(7, 8)]
    public void Compute_IndependentSamplesOfSameDistribution_ScoresNoDrift(int referenceSeed, int currentSeed)
    {
        var referenceValues = Normal(SampleSize, referenceSeed, shift: 0);
        var currentValues = Normal(SampleSize, currentSeed, shift: 0);
        var score = DriftTestSketches.Score(DriftTestSketches.Reference(referenceValues, referenceSeed), currentValues, currentSeed);

        Assert.True(score[DriftStatistics.Psi] < 0.05, $"PSI {score[DriftStatistics.Psi]}");
        Assert.True(score[DriftStatistics.KolmogorovSmirnov] < 0.03, $"KS {score[DriftStatistics.KolmogorovSmirnov]}");
        Assert.True(score[DriftStatistics.JensenShannon] < 0.05, $"JS {score[DriftStatistics.JensenShannon]}");
        Assert.Equal(DriftLevel.None, DriftThresholds.Default.Classify(score));
        var exact = TestDistributions.KolmogorovSmirnov(TestDistributions.Sorted(referenceValues), TestDistributions.Sorted(currentValues));
        Assert.True(Math.Abs(score[DriftStatistics.KolmogorovSmirnov] - exact) <= 0.03, $"KS {score[DriftStatistics.KolmogorovSmirnov]}, exact {exact}");
    }

    [Theory]
    [InlineData(1, 2)]
    [InlineData(3, 4)]
    [InlineData(5, 6)]
    [InlineData(7, 8)]
    public void Compute_MeanShiftedByOneStandardDeviation_ScoresDriftAndMatchesExactKs(int referenceSeed, int currentSeed)
    {
        var referenceValues = Normal(SampleSize, referenceSeed, shift: 0);
        var currentValues = Normal(SampleSize, currentSeed, shift: 1);
        var score = DriftTestSketches.Score(DriftTestSketches.Reference(referenceValues, referenceSeed), currentValues, currentSeed);

        var exact = TestDistributions.KolmogorovSmirnov(TestDistributions.Sorted(referenceValues), TestDistributions.Sorted(currentValues));
        Assert.True(score[DriftStatistics.Psi] > 0.2, $"PSI {score[DriftStatistics.Psi]}");
        Assert.True(Math.Abs(score[DriftStatistics.KolmogorovSmirnov] - exact) <= 0.03, $"KS {score[DriftStatistics.KolmogorovSmirnov]}, exact {exact}");
        // Population value for N(0,1) against N(1,1): 2Φ(0.5) − 1 ≈ 0.383.
        Assert.InRange(exact, 0.36, 0.41);
        Assert.Equal(DriftLevel.Drift, DriftThresholds.Default.Classify(score));
    }

    [Theory]
    [InlineData(TestDistributions.LogNormal)]
    [InlineData(TestDistributions.Cauchy)]
    [InlineData(TestDistributions.DiscreteTies)]
    [InlineData(TestDistributions.MixedSignsAndZeros)]
    public void KolmogorovSmirnov_ScaledCurrent_MatchesExactTwoSampleStatistic(string distribution)
    {
        var referenceValues = TestDistributions.Sample(distribution, SampleSize, 31);
        var currentValues = TestDistributions.Sample(distribution, SampleSize, 32).Select(v => 1.3 * v).ToArray();

        var ks = DriftScores.KolmogorovSmirnov(Sketch(referenceValues, 31), Sketch(currentValues, 32));

        var exact = TestDistributions.KolmogorovSmirnov(TestDistributions.Sorted(referenceValues), TestDistributions.Sorted(currentValues));
        Assert.True(Math.Abs(ks - exact) <= 0.03, $"KS {ks}, exact {exact}");
    }

    [Fact]
    public void Compute_IdenticalData_AllScoresZero()
    {
        var values = Normal(SampleSize, 9, shift: 0);
        var reference = DriftTestSketches.Reference(values, 9);

        var score = DriftScore.Compute(new DriftComparison(reference, Sketch(values, 9), DriftTestSketches.Moments(values)));
        var self = DriftScore.Compute(new DriftComparison(reference, reference.Sketch, DriftTestSketches.Moments(values)));

        foreach (var statistic in new[] { DriftStatistics.Psi, DriftStatistics.JensenShannon, DriftStatistics.KolmogorovSmirnov, DriftStatistics.Wasserstein, DriftStatistics.InvalidShare, DriftStatistics.InvalidShareIncrease, DriftStatistics.OutOfRangeShare })
        {
            Assert.Equal(0, score[statistic]);
            Assert.Equal(0, self[statistic]);
        }

        Assert.Equal(1, score[DriftStatistics.KolmogorovSmirnovPValue]);
    }

    [Fact]
    public void Compute_GrowingShift_EveryScoreIncreases()
    {
        var reference = DriftTestSketches.Reference(Normal(SampleSize, 10, shift: 0), 10);
        var previous = DriftScore.FromValues([.. DriftStatistics.All.Select(_ => -1.0)]);
        foreach (var shift in new[] { 0.0, 0.25, 0.5, 1, 2, 4 })
        {
            var score = DriftTestSketches.Score(reference, Normal(SampleSize, 11, shift), 11);

            Assert.True(score[DriftStatistics.JensenShannon] > previous[DriftStatistics.JensenShannon], $"shift {shift}: JS {score[DriftStatistics.JensenShannon]} after {previous[DriftStatistics.JensenShannon]}");
            Assert.True(score[DriftStatistics.Psi] > previous[DriftStatistics.Psi], $"shift {shift}: PSI {score[DriftStatistics.Psi]} after {previous[DriftStatistics.Psi]}");
            Assert.True(score[DriftStatistics.KolmogorovSmirnov] > previous[DriftStatistics.KolmogorovSmirnov], $"shift {shift}: KS {score[DriftStatistics.KolmogorovSmirnov]}");
            Assert.True(score[DriftStatistics.Wasserstein] > previous[DriftStatistics.Wasserstein], $"shift {shift}: Wasserstein {score[DriftStatistics.Wasserstein]}");
            Assert.InRange(score[DriftStatistics.JensenShannon], 0, 1);
            previous = score;
        }
    }

    [Fact]
    public void Compute_CurrentOutsideReferenceRange_ScoresAreFiniteAndMaximal()
    {
        // Every current value lies above the reference's maximum: nine bins empty out, so PSI needs its
        // floor to stay finite; the top bin still overlaps, so JS is that of deciles against all-in-the-
        // top-bin, sqrt((0.654 + 0.862) / 2) ≈ 0.871; KS is 1.
        var score = DriftTestSketches.Score(Normal(SampleSize, 12, shift: 0), Normal(SampleSize, 13, shift: 100), 12);

        Assert.True(double.IsFinite(score[DriftStatistics.Psi]) && score[DriftStatistics.Psi] > 5, $"PSI {score[DriftStatistics.Psi]}");
        Assert.Equal(0.871, score[DriftStatistics.JensenShannon], 0.01);
        Assert.Equal(1, score[DriftStatistics.KolmogorovSmirnov]);
        Assert.Equal(1, score[DriftStatistics.OutOfRangeShare]);
        Assert.Equal(100, score[DriftStatistics.Wasserstein], 1.0);
    }

    [Fact]
    public void Compute_EmptyCurrent_ScoresNaNAndClassifiesAsNone()
    {
        var score = DriftTestSketches.Score(Normal(1_000, 14, shift: 0), [], 14);

        Assert.All(DriftStatistics.All, s => Assert.True(double.IsNaN(score[s]), s.Name));
        Assert.Equal(DriftLevel.None, DriftThresholds.Default.Classify(score));
    }

    [Fact]
    public void PopulationStabilityIndex_KnownProportions_MatchesFormula()
    {
        double[] expected = [0.5, 0.5, 0];
        double[] actual = [0.25, 0.75, 0];

        var psi = DriftScores.PopulationStabilityIndex(expected, actual);

        Assert.Equal((-0.25 * Math.Log(0.5)) + (0.25 * Math.Log(1.5)), psi, 1e-12);
    }

    [Fact]
    public void JensenShannonDistance_DisjointAndIdentical_IsOneAndZero()
    {
        Assert.Equal(1, DriftScores.JensenShannonDistance([1, 0], [0, 1]), 1e-12);
        Assert.Equal(0, DriftScores.JensenShannonDistance([0.3, 0.7], [0.3, 0.7]));
    }

    private static double[] Normal(int size, int seed, double shift)
    {
        var random = new Random(seed);
        var values = new double[size];
        for (var i = 0; i < size; i++)
        {
            values[i] = TestDistributions.NextNormal(random) + shift;
        }

        return values;
    }

    private static KllSketch Sketch(double[] values, int seed) => DriftTestSketches.Sketch(values, seed);
}
