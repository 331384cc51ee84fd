namespace InferenceServer.LoadTool.Load;

/// <summary>
/// The time the load is measured and scheduled by: timestamps in ticks, a blocking sleep for the open-loop
/// dispatcher's own thread, and an asynchronous delay for measurement windows. Tests substitute a virtual clock.
/// </summary>
internal interface ILoadClock
{
    long Now { get; }

    long TicksPerSecond { get; }

    /// <summary>Blocks until <paramref name="timestamp"/> or until <paramref name="stop"/> is cancelled (returns either way).</summary>
    void SleepUntil(long timestamp, CancellationToken stop);

    Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken);
}

internal static class LoadClockExtensions
{
    public static long Nanoseconds(this ILoadClock clock, long from, long to) =>
        (long)((to - from) * (1_000_000_000.0 / clock.TicksPerSecond));

    public static TimeSpan Elapsed(this ILoadClock clock, long from, long to) =>
        TimeSpan.FromSeconds((to - from) / (double)clock.TicksPerSecond);
}
