using System.Diagnostics;

namespace InferenceServer.LoadTool.Load;

/// <summary>The real clock: <see cref="Stopwatch"/> ticks; sleeps in slices so a stop is seen within 20 ms.</summary>
internal sealed class StopwatchClock : ILoadClock
{
    public static readonly StopwatchClock Instance = new();

    private static readonly long MaxSlice = Stopwatch.Frequency / 50;

    public long Now => Stopwatch.GetTimestamp();

    public long TicksPerSecond => Stopwatch.Frequency;

    public void SleepUntil(long timestamp, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var remaining = timestamp - Stopwatch.GetTimestamp();
            if (remaining <= 0)
            {
                return;
            }

            var slice = Math.Min(remaining, MaxSlice);
            if (Nanosleep.IsSupported)
            {
                Nanosleep.Sleep((long)(slice * (1_000_000_000.0 / Stopwatch.Frequency)));
            }
            else
            {
                // Elsewhere: millisecond sleeps, then yields for the last millisecond.
                var milliseconds = (int)(slice * 1000 / Stopwatch.Frequency) - 1;
                if (milliseconds > 0)
                {
                    Thread.Sleep(milliseconds);
                }
                else
                {
                    Thread.Yield();
                }
            }
        }
    }

    public Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken) => Task.Delay(delay, cancellationToken);
}
