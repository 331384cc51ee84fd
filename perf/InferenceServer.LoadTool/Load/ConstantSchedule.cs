namespace InferenceServer.LoadTool.Load;

/// <summary>Sends exactly 1/rate apart.</summary>
internal sealed class ConstantSchedule(double requestsPerSecond) : ISendSchedule
{
    private readonly double _gap = 1.0 / requestsPerSecond;

    public double NextGapSeconds() => _gap;
}
