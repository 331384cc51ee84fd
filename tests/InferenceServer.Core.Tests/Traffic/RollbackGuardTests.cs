using InferenceServer.Core.Traffic;

namespace InferenceServer.Core.Tests.Traffic;

public class RollbackGuardTests
{
    private static readonly RollbackGuard Both = new(new RollbackPolicy(2) { MaxErrorRate = 0.05, MaxP99Ratio = 2.0, MinRequests = 100 });

    private static readonly TrafficWindowStats HealthyPrimary = new(1000, 5, 30.0);

    [Fact]
    public void Evaluate_CanaryFailingEverything_TripsOnErrorRateWithNumbers()
    {
        var decision = Both.Evaluate(HealthyPrimary, new TrafficWindowStats(120, 120, 30.0));

        Assert.True(decision.Trip);
        Assert.Equal(RollbackBound.MaxErrorRate, decision.Bound);
        Assert.Equal("canary 2 error rate 1.000 over 120 requests exceeds 0.050", decision.Reason);
    }

    [Fact]
    public void Evaluate_CanarySlow_TripsOnP99RatioWithNumbers()
    {
        var decision = Both.Evaluate(HealthyPrimary, new TrafficWindowStats(200, 0, 84.0));

        Assert.True(decision.Trip);
        Assert.Equal(RollbackBound.MaxP99Ratio, decision.Bound);
        Assert.Equal("canary 2 p99 84.0 ms is 2.80 times the primary's 30.0 ms over 200 and 1000 requests, exceeds 2.00", decision.Reason);
    }

    [Fact]
    public void Evaluate_BothBoundsBroken_ReportsErrorRate()
    {
        var decision = Both.Evaluate(HealthyPrimary, new TrafficWindowStats(200, 100, 500.0));

        Assert.Equal(RollbackBound.MaxErrorRate, decision.Bound);
    }

    [Theory]
    [InlineData(99, 99)]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    public void Evaluate_CanaryBelowMinRequests_NeverTrips(long requests, long failures)
    {
        var decision = Both.Evaluate(HealthyPrimary, new TrafficWindowStats(requests, failures, 10_000.0));

        Assert.Equal(RollbackDecision.Hold, decision);
        Assert.Null(decision.Reason);
    }

    [Fact]
    public void Evaluate_PrimaryBelowMinRequests_SkipsP99RatioOnly()
    {
        var thinPrimary = new TrafficWindowStats(50, 0, 10.0);

        Assert.False(Both.Evaluate(thinPrimary, new TrafficWindowStats(200, 0, 100.0)).Trip);
        Assert.Equal(RollbackBound.MaxErrorRate, Both.Evaluate(thinPrimary, new TrafficWindowStats(200, 50, 10.0)).Bound);
    }

    [Theory]
    [InlineData(null, 50.0)]
    [InlineData(30.0, null)]
    [InlineData(0.0, 50.0)]
    public void Evaluate_P99Unknown_DoesNotTripOnRatio(double? primaryP99, double? canaryP99)
    {
        var decision = Both.Evaluate(new TrafficWindowStats(1000, 0, primaryP99), new TrafficWindowStats(1000, 0, canaryP99));

        Assert.False(decision.Trip);
    }

    [Theory]
    // At the bound holds; only above it trips.
    [InlineData(5, false)]
    [InlineData(6, true)]
    public void Evaluate_ErrorRateAtBound_TripsOnlyAbove(long failures, bool trips)
    {
        Assert.Equal(trips, Both.Evaluate(HealthyPrimary, new TrafficWindowStats(100, failures, 30.0)).Trip);
    }

    [Fact]
    public void Evaluate_OnlyRatioBound_IgnoresErrors()
    {
        var guard = new RollbackGuard(new RollbackPolicy(2) { MaxP99Ratio = 1.5, MinRequests = 10 });

        Assert.False(guard.Evaluate(new TrafficWindowStats(10, 0, 10.0), new TrafficWindowStats(10, 10, 10.0)).Trip);
        Assert.True(guard.Evaluate(new TrafficWindowStats(10, 0, 10.0), new TrafficWindowStats(10, 0, 15.1)).Trip);
    }

    /// <summary>
    /// Invariant over seeded random windows: a trip implies the canary has at least min_requests and the
    /// reported bound is really exceeded by the numbers given; a window that exceeds the error bound with
    /// enough requests always trips.
    /// </summary>
    [Fact]
    public void Evaluate_RandomWindows_TripExactlyWhenABoundIsExceeded()
    {
        var random = new Random(99);
        for (var i = 0; i < 10_000; i++)
        {
            var primary = RandomWindow(random);
            var canary = RandomWindow(random);
            var decision = Both.Evaluate(primary, canary);
            var errorExceeded = canary.Requests >= 100 && canary.ErrorRate > 0.05;
            var ratioExceeded = canary.Requests >= 100 && primary.Requests >= 100
                && primary.P99Milliseconds > 0 && canary.P99Milliseconds / primary.P99Milliseconds > 2.0;

            Assert.Equal(errorExceeded || ratioExceeded, decision.Trip);
            Assert.Equal(decision.Trip, decision.Reason is not null);
            if (decision.Trip)
            {
                Assert.Equal(errorExceeded ? RollbackBound.MaxErrorRate : RollbackBound.MaxP99Ratio, decision.Bound);
            }
        }
    }

    private static TrafficWindowStats RandomWindow(Random random)
    {
        var requests = random.Next(0, 300);
        var failures = random.Next(0, (requests / 5) + 1);
        double? p99 = random.Next(10) == 0 ? null : random.NextDouble() * 100;
        return new TrafficWindowStats(requests, failures, p99);
    }
}
