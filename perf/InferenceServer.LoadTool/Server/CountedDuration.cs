namespace InferenceServer.LoadTool.Server;

/// <summary>One of Triton's <c>{"count": n, "ns": total}</c> statistics.</summary>
internal readonly record struct CountedDuration(long Count, long Nanoseconds)
{
    public static CountedDuration operator +(CountedDuration a, CountedDuration b) => new(a.Count + b.Count, a.Nanoseconds + b.Nanoseconds);

    public static CountedDuration operator -(CountedDuration a, CountedDuration b) => new(a.Count - b.Count, a.Nanoseconds - b.Nanoseconds);

    /// <summary>Mean microseconds per counted item; 0 when nothing was counted.</summary>
    public double MeanMicroseconds => Count > 0 ? Nanoseconds / (double)Count / 1000.0 : 0;
}
