namespace InferenceServer.Core.Models;

/// <summary>A count and a total duration in nanoseconds, updated without locks.</summary>
public sealed class StatisticDuration
{
    private long _count;
    private long _nanoseconds;

    public long Count => Interlocked.Read(ref _count);

    public long Nanoseconds => Interlocked.Read(ref _nanoseconds);

    public void Add(long count, long nanoseconds)
    {
        Interlocked.Add(ref _count, count);
        Interlocked.Add(ref _nanoseconds, nanoseconds);
    }
}
