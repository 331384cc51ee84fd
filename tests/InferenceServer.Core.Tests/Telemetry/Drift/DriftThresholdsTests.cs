using InferenceServer.Core.Telemetry.Drift;

namespace InferenceServer.Core.Tests.Telemetry.Drift;

public class DriftThresholdsTests
{
    private static DriftScore Score(double psi = 0, double wasserstein = 0, double pValue = 1, double invalidIncrease = 0)
    {
        // A numeric feature's score: the categorical statistics are NaN.
        var values = new double[DriftStatistics.All.Count];
        Array.Fill(values, double.NaN);
        values[DriftStatistics.Psi.Ordinal] = psi;
        values[DriftStatistics.Wasserstein.Ordinal] = wasserstein;
        values[DriftStatistics.KolmogorovSmirnovPValue.Ordinal] = pValue;
        values[DriftStatistics.InvalidShareIncrease.Ordinal] = invalidIncrease;
        return DriftScore.FromValues(values);
    }

    [Theory]
    [InlineData(0.0, 0.0, DriftLevel.None)]
    [InlineData(0.099, 0.0, DriftLevel.None)]
    [InlineData(0.1, 0.0, DriftLevel.Warning)]
    [InlineData(0.2, 0.0, DriftLevel.Drift)]
    [InlineData(3.0, 0.0, DriftLevel.Drift)]
    [InlineData(3.0, 0.5, DriftLevel.None)]
    [InlineData(3.0, 0.00099, DriftLevel.Drift)]
    [InlineData(3.0, 0.001, DriftLevel.None)]
    public void Classify_Default_WassersteinCountsOnlyWhenSignificant(double wasserstein, double pValue, DriftLevel expected)
    {
        Assert.Equal(expected, DriftThresholds.Default.Classify(Score(wasserstein: wasserstein, pValue: pValue, psi: 9)));
    }

    [Theory]
    [InlineData(0.0, DriftLevel.None)]
    [InlineData(0.0099, DriftLevel.None)]
    [InlineData(0.01, DriftLevel.Warning)]
    [InlineData(0.05, DriftLevel.Drift)]
    [InlineData(1.0, DriftLevel.Drift)]
    public void Classify_InvalidShareRise_HasItsOwnLevel(double increase, DriftLevel expected)
    {
        Assert.Equal(expected, DriftThresholds.Default.Classify(Score(invalidIncrease: increase)));
    }

    [Fact]
    public void Classify_NaNStatistics_None()
    {
        Assert.Equal(DriftLevel.None, DriftThresholds.Default.Classify(Score(double.NaN, double.NaN, double.NaN, double.NaN)));
    }

    [Theory]
    [InlineData(0.0, DriftLevel.None)]
    [InlineData(0.099, DriftLevel.None)]
    [InlineData(0.1, DriftLevel.Warning)]
    [InlineData(0.2, DriftLevel.Drift)]
    public void Classify_PsiDecision_LevelByPsiAlone(double psi, DriftLevel expected)
    {
        var thresholds = DriftThresholds.Default with { Decision = DriftDecision.Psi };

        Assert.Equal(expected, thresholds.Classify(Score(psi: psi, wasserstein: 9, pValue: 0)));
    }

    [Fact]
    public void Classify_CustomThresholds_UsesThem()
    {
        var thresholds = new DriftThresholds { WassersteinWarning = 0.2, WassersteinDrift = 0.5, Significance = 0.05 };

        Assert.Equal(DriftLevel.Warning, thresholds.Classify(Score(wasserstein: 0.3, pValue: 0.04)));
        Assert.Equal(DriftLevel.None, thresholds.Classify(Score(wasserstein: 0.3, pValue: 0.06)));
        Assert.Equal(DriftLevel.None, thresholds.Classify(Score(wasserstein: 0.1, pValue: 0)));
    }

    private static DriftScore Categorical(double js, double pValue, double unseen = 0, double invalidIncrease = 0)
    {
        var values = new double[DriftStatistics.All.Count];
        Array.Fill(values, double.NaN);
        values[DriftStatistics.JensenShannon.Ordinal] = js;
        values[DriftStatistics.ChiSquarePValue.Ordinal] = pValue;
        values[DriftStatistics.UnseenShare.Ordinal] = unseen;
        values[DriftStatistics.InvalidShareIncrease.Ordinal] = invalidIncrease;
        return DriftScore.FromValues(values);
    }

    [Theory]
    [InlineData(0.0, 0.0, DriftLevel.None)]
    [InlineData(0.099, 0.0, DriftLevel.None)]
    [InlineData(0.1, 0.0, DriftLevel.Warning)]
    [InlineData(0.2, 0.0, DriftLevel.Drift)]
    [InlineData(0.9, 0.001, DriftLevel.None)]
    [InlineData(0.9, 0.00099, DriftLevel.Drift)]
    public void Classify_Categorical_JensenShannonCountsOnlyWhenChiSquareSignificant(double js, double pValue, DriftLevel expected)
    {
        // Even under the PSI decision: a categorical feature is judged by its category shares.
        Assert.Equal(expected, DriftThresholds.Default.Classify(Categorical(js, pValue)));
        Assert.Equal(expected, (DriftThresholds.Default with { Decision = DriftDecision.Psi }).Classify(Categorical(js, pValue)));
    }

    [Theory]
    [InlineData(0.0099, DriftLevel.None)]
    [InlineData(0.01, DriftLevel.Warning)]
    [InlineData(0.05, DriftLevel.Drift)]
    public void Classify_UnseenCategories_HaveTheirOwnLevel(double unseen, DriftLevel expected)
    {
        Assert.Equal(expected, DriftThresholds.Default.Classify(Categorical(js: 0, pValue: 1, unseen: unseen)));
    }
}
