using CsCheck;
using InferenceServer.Core.Telemetry.Drift;

namespace InferenceServer.Core.Tests.Telemetry.Drift;

/// <summary>
/// The sketched Wasserstein-1 distance against the exact two-sample distance of the same data. Stated bound:
/// |W_sketch − W_exact| ≤ (ε_ref + ε_cur) · (max − min) with ε the KLL rank error (≤ 2 % at k = 200, as the
/// sketch's own accuracy tests check); exact below the sketch's first compaction.
/// </summary>
public class WassersteinTests
{
    private const double RankError = 0.02;

    [Fact]
    public void Wasserstein_AnyDistributionSizeAndScale_WithinStatedBoundOfExact()
    {
        var cases = Gen.Select(Gen.Int[0, TestDistributions.All.Length - 1], Gen.Int[1, 30_000], Gen.Int[1, 30_000], Gen.Double[0.5, 2], Gen.Double[-1, 1], Gen.Int);
        cases.Sample(
            (distribution, referenceSize, currentSize, scale, shift, seed) =>
            {
                var name = TestDistributions.All[distribution];
                var reference = TestDistributions.Sample(name, referenceSize, seed);
                var current = TestDistributions.Sample(name, currentSize, seed ^ 0x5555).Select(v => (v * scale) + shift).ToArray();

                var sketched = DriftScores.Wasserstein(DriftTestSketches.Sketch(reference, seed), DriftTestSketches.Sketch(current, seed + 1));

                var exact = Exact(TestDistributions.Sorted(reference), TestDistributions.Sorted(current));
                var range = Math.Max(reference.Max(), current.Max()) - Math.Min(reference.Min(), current.Min());
                return Math.Abs(sketched - exact) <= (2 * RankError * range) + (1e-9 * Math.Max(1, exact));
            },
            iter: 60);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Wasserstein_NormalSamples_TypicallyWithinThreeHundredthsOfSigma(int seed)
    {
        var reference = DriftTestSketches.Normal(100_000, seed, shift: 0);
        var current = DriftTestSketches.Normal(100_000, seed + 10, shift: 0.3);

        var sketched = DriftScores.Wasserstein(DriftTestSketches.Sketch(reference, seed), DriftTestSketches.Sketch(current, seed + 10));

        var exact = Exact(TestDistributions.Sorted(reference), TestDistributions.Sorted(current));
        Assert.True(Math.Abs(sketched - exact) <= 0.03, $"sketched {sketched}, exact {exact}");
        Assert.Equal(0.3, exact, 0.02);
    }

    [Fact]
    public void Wasserstein_SmallSamples_Exact()
    {
        double[] reference = [0, 1, 2, 3];
        double[] current = [1, 2, 3, 4];

        var sketched = DriftScores.Wasserstein(DriftTestSketches.Sketch(reference, 1), DriftTestSketches.Sketch(current, 2));

        Assert.Equal(1, sketched, 1e-12);
        Assert.Equal(Exact(reference, current), sketched, 1e-12);
    }

    // ∫ |F_a − F_b| dx of the two empirical CDFs: a merge walk over both sorted samples.
    private static double Exact(double[] a, double[] b)
    {
        int i = 0, j = 0;
        var distance = 0.0;
        var gap = 0.0;
        var previous = double.NaN;
        while (i < a.Length || j < b.Length)
        {
            var x = j >= b.Length || (i < a.Length && a[i] <= b[j]) ? a[i] : b[j];
            if (!double.IsNaN(previous))
            {
                distance += gap * (x - previous);
            }

            while (i < a.Length && a[i] <= x)
            {
                i++;
            }

            while (j < b.Length && b[j] <= x)
            {
                j++;
            }

            gap = Math.Abs(((double)i / a.Length) - ((double)j / b.Length));
            previous = x;
        }

        return distance;
    }
}
