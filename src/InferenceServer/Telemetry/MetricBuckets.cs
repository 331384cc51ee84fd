namespace InferenceServer.Telemetry;

/// <summary>Histogram bucket bounds, fixed for every model so quantiles aggregate across models and pods.</summary>
internal static class MetricBuckets
{
    /// <summary>Seconds: 100 µs to 60 s, roughly 1-2.5-5 per decade.</summary>
    public static readonly double[] Durations =
        [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    /// <summary>Rows per execution: powers of two up to 1,024.</summary>
    public static readonly double[] BatchSizes = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];
}
