namespace InferenceServer.LoadTool.Load;

/// <summary>
/// A rate that grows (or falls) linearly from <c>from</c> to <c>to</c> requests/s over <c>duration</c>, then stays at
/// <c>to</c>: each gap is 1/rate at the time of the previous send, spaced evenly or, with a random source, as
/// exponential gaps of that mean (a Poisson process whose intensity follows the ramp).
/// </summary>
internal sealed class RampSchedule(double fromPerSecond, double toPerSecond, TimeSpan duration, Random? poisson) : ISendSchedule
{
    private readonly double _seconds = Math.Max(duration.TotalSeconds, 1e-9);
    private double _elapsed;

    public double NextGapSeconds()
    {
        var progress = Math.Min(1.0, _elapsed / _seconds);
        var rate = Math.Max(1e-6, fromPerSecond + ((toPerSecond - fromPerSecond) * progress));
        var gap = poisson is null ? 1.0 / rate : -Math.Log(1.0 - poisson.NextDouble()) / rate;
        _elapsed += gap;
        return gap;
    }
}
