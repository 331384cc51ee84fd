using InferenceServer.LoadTool.Load;
using InferenceServer.LoadTool.Options;

namespace InferenceServer.LoadTool.Tests.Load;

public class WindowPlanTests
{
    [Fact]
    public void NoDuration_WindowsOfTheIntervalUntilStable()
    {
        Assert.Equal((TimeSpan.FromSeconds(5), 0), StepRunner.WindowPlan(new LoadOptions()));
    }

    [Fact]
    public void DurationOfSeveralIntervals_SplitsIntoEqualWindows()
    {
        var options = new LoadOptions { Duration = TimeSpan.FromSeconds(3), MeasurementInterval = TimeSpan.FromSeconds(1) };

        Assert.Equal((TimeSpan.FromSeconds(1), 3), StepRunner.WindowPlan(options));
    }

    [Fact]
    public void DurationShorterThanTheInterval_OneWindowOfTheDuration()
    {
        var options = new LoadOptions { Duration = TimeSpan.FromSeconds(2) };

        Assert.Equal((TimeSpan.FromSeconds(2), 1), StepRunner.WindowPlan(options));
    }
}
