using InferenceServer.Core.Telemetry.Profiles;

namespace InferenceServer.Core.Tests.Telemetry.Profiles;

/// <summary>
/// The profiling budget: every request while a second's arrivals fit it; above it one in N, N from the previous
/// second's arrivals; back to every request once arrivals fall; a budget of 0 observes everything.
/// </summary>
public sealed class ProfileSamplerTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.UnixEpoch;

    private static int Observed(ProfileSampler sampler, int requests, long values, DateTimeOffset at)
    {
        var observed = 0;
        for (var i = 0; i < requests; i++)
        {
            observed += sampler.ShouldObserve(values, at) ? 1 : 0;
        }

        return observed;
    }

    [Fact]
    public void OverBudget_ObservesOneInN_FromThePreviousSecond()
    {
        var sampler = new ProfileSampler(valuesPerSecond: 1_000);

        // 5,000 values arrive in the first second: all observed, the stride is not known yet.
        Assert.Equal(50, Observed(sampler, 50, 100, Start));
        Assert.Equal(1, sampler.Stride);

        // The next second samples one request in ceil(5,000 / 1,000) = 5.
        Assert.Equal(10, Observed(sampler, 50, 100, Start.AddSeconds(1)));
        Assert.Equal(5, sampler.Stride);
    }

    [Fact]
    public void WithinBudget_ObservesEveryRequest()
    {
        var sampler = new ProfileSampler(valuesPerSecond: 1_000);
        for (var second = 0; second < 5; second++)
        {
            Assert.Equal(10, Observed(sampler, 10, 100, Start.AddSeconds(second)));
        }

        Assert.Equal(1, sampler.Stride);
    }

    [Fact]
    public void AfterAQuietSpell_ObservesEveryRequestAgain()
    {
        var sampler = new ProfileSampler(valuesPerSecond: 1_000);
        Observed(sampler, 100, 100, Start);
        Observed(sampler, 100, 100, Start.AddSeconds(1));
        Assert.Equal(10, sampler.Stride);

        // 10,000 values spread over the 20 seconds since the last roll: 500 a second, within the budget.
        Assert.Equal(5, Observed(sampler, 5, 100, Start.AddSeconds(21)));
        Assert.Equal(1, sampler.Stride);
    }

    [Fact]
    public void ZeroBudget_ObservesEverything()
    {
        var sampler = new ProfileSampler(valuesPerSecond: 0);
        Assert.Equal(1_000, Observed(sampler, 1_000, 1_000_000, Start));
        Assert.Equal(1_000, Observed(sampler, 1_000, 1_000_000, Start.AddSeconds(1)));
    }

    [Fact]
    public void NegativeBudget_IsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ProfileSampler(-1));
}
