using InferenceServer.LoadTool.Load;

namespace InferenceServer.LoadTool.Tests.Load;

public class ScheduleTests
{
    [Fact]
    public void Constant_GapIsOneOverTheRate()
    {
        var schedule = new ConstantSchedule(400);

        Assert.All(Enumerable.Range(0, 10), _ => Assert.Equal(0.0025, schedule.NextGapSeconds(), 12));
    }

    [Fact]
    public void Poisson_GapsAreExponentialWithMeanOneOverTheRate()
    {
        const double Rate = 2000;
        var schedule = new PoissonSchedule(Rate, new Random(3));
        var gaps = Enumerable.Range(0, 200_000).Select(_ => schedule.NextGapSeconds()).ToArray();
        var mean = gaps.Average();
        var deviation = Math.Sqrt(gaps.Average(g => (g - mean) * (g - mean)));

        // An exponential's standard deviation equals its mean, and P(gap > mean) = 1/e.
        Assert.InRange(mean, 0.99 / Rate, 1.01 / Rate);
        Assert.InRange(deviation / mean, 0.98, 1.02);
        Assert.InRange(gaps.Count(g => g > 1 / Rate) / (double)gaps.Length, Math.Exp(-1) - 0.005, Math.Exp(-1) + 0.005);
        Assert.All(gaps, g => Assert.True(g >= 0 && double.IsFinite(g)));
    }

    [Fact]
    public void Poisson_SameSeed_SameGaps()
    {
        var a = new PoissonSchedule(100, new Random(9));
        var b = new PoissonSchedule(100, new Random(9));

        Assert.Equal(Enumerable.Range(0, 50).Select(_ => a.NextGapSeconds()), Enumerable.Range(0, 50).Select(_ => b.NextGapSeconds()));
    }
}
