using InferenceServer.LoadTool.Load;

namespace InferenceServer.LoadTool.Tests.Infrastructure;

/// <summary>
/// Virtual time in nanosecond ticks: it moves only when a sleep needs it to (to the sleep's end) or a fake
/// server spends time (<see cref="Advance"/>), so a scheduling test is exact and takes no real time.
/// </summary>
internal sealed class VirtualClock : ILoadClock
{
    public long Now { get; private set; }

    public long TicksPerSecond => 1_000_000_000;

    public void Advance(TimeSpan duration) => Now += (long)(duration.TotalSeconds * TicksPerSecond);

    public void SleepUntil(long timestamp, CancellationToken stop) => Now = Math.Max(Now, timestamp);

    public Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        Advance(delay);
        return Task.CompletedTask;
    }
}
