using CsCheck;
using InferenceServer.Core.Telemetry.Drift;

namespace InferenceServer.Core.Tests.Telemetry.Drift;

/// <summary>
/// The χ² survival function against known values (the critical values of the textbook tables, from SciPy's
/// <c>chi2.sf</c>) and, for even degrees of freedom, against its closed form e^(−x/2) Σ_{i&lt;m} (x/2)^i / i!.
/// </summary>
public class ChiSquareDistributionTests
{
    [Theory]
    [InlineData(3.841458820694124, 1, 0.05)]
    [InlineData(6.6348966010212145, 1, 0.01)]
    [InlineData(10.827566170662733, 1, 0.001)]
    [InlineData(5.991464547107979, 2, 0.05)]
    [InlineData(7.814727903251178, 3, 0.05)]
    [InlineData(18.307038053275146, 10, 0.05)]
    [InlineData(29.588298445074418, 10, 0.001)]
    [InlineData(67.50480654954119, 50, 0.05)]
    [InlineData(124.34211340400407, 100, 0.05)]
    [InlineData(0.454936423119572, 1, 0.5)]
    [InlineData(9.341817765591966, 10, 0.5)]
    public void Survival_TableValues_Match(double x, double degreesOfFreedom, double expected)
    {
        Assert.Equal(expected, ChiSquareDistribution.Survival(x, degreesOfFreedom), 1e-9);
    }

    [Fact]
    public void Survival_EvenDegreesOfFreedom_MatchesClosedForm()
    {
        Gen.Select(Gen.Int[1, 60], Gen.Double[0, 300]).Sample(
            (m, x) =>
            {
                var term = 1.0;
                var sum = 0.0;
                for (var i = 0; i < m; i++)
                {
                    sum += term;
                    term *= x / 2 / (i + 1);
                }

                var exact = Math.Exp(-x / 2) * sum;
                var computed = ChiSquareDistribution.Survival(x, 2 * m);
                return Math.Abs(computed - exact) <= 1e-10 * Math.Max(exact, 1e-300) + 1e-14;
            },
            iter: 500,
            threads: 1);
    }

    [Fact]
    public void Survival_Edges()
    {
        Assert.Equal(1, ChiSquareDistribution.Survival(0, 3));
        Assert.Equal(0, ChiSquareDistribution.Survival(double.PositiveInfinity, 3));
        Assert.True(double.IsNaN(ChiSquareDistribution.Survival(1, 0)));
        Assert.True(double.IsNaN(ChiSquareDistribution.Survival(double.NaN, 2)));
    }

    [Theory]
    [InlineData(0.5, 0.5723649429247001)]
    [InlineData(1, 0)]
    [InlineData(10, 12.801827480081469)]
    [InlineData(100.5, 361.4355404677776)]
    public void LogGamma_KnownValues(double x, double expected) =>
        Assert.Equal(expected, ChiSquareDistribution.LogGamma(x), 1e-10);
}
