using InferenceServer.Core.Telemetry.Drift;

namespace InferenceServer.Core.Tests.Telemetry.Drift;

public class DriftThresholdsTests
{
    [Theory]
    [InlineData(0, DriftLevel.None)]
    [InlineData(0.0999, DriftLevel.None)]
    [InlineData(0.1, DriftLevel.Warning)]
    [InlineData(0.1999, DriftLevel.Warning)]
    [InlineData(0.2, DriftLevel.Drift)]
    [InlineData(7, DriftLevel.Drift)]
    [InlineData(double.NaN, DriftLevel.None)]
    public void Classify_DefaultThresholds_LevelByPsi(double psi, DriftLevel expected)
    {
        Assert.Equal(expected, DriftThresholds.Default.Classify(new DriftScore(psi, 0, 0)));
    }

    [Fact]
    public void Classify_CustomThresholds_UsesThem()
    {
        var thresholds = new DriftThresholds { PsiWarning = 0.05, PsiDrift = 0.5 };

        Assert.Equal(DriftLevel.Warning, thresholds.Classify(new DriftScore(0.3, 0, 0)));
        Assert.Equal(DriftLevel.None, thresholds.Classify(new DriftScore(0.04, 0, 0)));
    }
}
