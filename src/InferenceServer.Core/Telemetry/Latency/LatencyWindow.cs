namespace InferenceServer.Core.Telemetry.Latency;

/// <summary>Over what time a latency sketch is read.</summary>
public enum LatencyWindow
{
    /// <summary>Since the version loaded.</summary>
    Lifetime,

    /// <summary>About the last minute (six 10 s buckets: 50–60 s).</summary>
    OneMinute,

    /// <summary>About the last five minutes (five 1 min buckets: 4–5 min).</summary>
    FiveMinutes,
}

/// <summary>Label values of the stages and windows.</summary>
public static class LatencyLabels
{
    public static readonly LatencyStage[] Stages = [LatencyStage.Request, LatencyStage.Queue, LatencyStage.Compute];

    public static readonly LatencyWindow[] Windows = [LatencyWindow.Lifetime, LatencyWindow.OneMinute, LatencyWindow.FiveMinutes];

    /// <summary>The quantiles reported in statistics and gauges.</summary>
    public static readonly double[] Quantiles = [0.5, 0.9, 0.99, 0.999];

    public static string ToLabel(this LatencyStage stage) => stage switch
    {
        LatencyStage.Request => "request",
        LatencyStage.Queue => "queue",
        _ => "compute",
    };

    public static string ToLabel(this LatencyWindow window) => window switch
    {
        LatencyWindow.Lifetime => "lifetime",
        LatencyWindow.OneMinute => "1m",
        _ => "5m",
    };
}
