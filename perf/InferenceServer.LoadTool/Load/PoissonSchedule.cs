namespace InferenceServer.LoadTool.Load;

/// <summary>
/// Exponentially distributed gaps with mean 1/rate: the arrivals of a Poisson process, what many independent
/// clients produce together. Inverse-transform sampling from an injected random source, so runs repeat.
/// </summary>
internal sealed class PoissonSchedule(double requestsPerSecond, Random random) : ISendSchedule
{
    // 1 - U lies in (0, 1], so the logarithm is finite.
    public double NextGapSeconds() => -Math.Log(1.0 - random.NextDouble()) / requestsPerSecond;
}
