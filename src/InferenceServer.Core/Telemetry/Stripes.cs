namespace InferenceServer.Core.Telemetry;

/// <summary>
/// How many independently locked copies a per-version sketch keeps: a writer locks only its thread's stripe, so
/// requests on different threads rarely meet; a read merges the stripes. A power of two, at most 8.
/// </summary>
public static class Stripes
{
    public static readonly int Count = (int)Math.Min(8, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Environment.ProcessorCount));

    /// <summary>The stripe of the calling thread.</summary>
    public static int OfCurrentThread => Environment.CurrentManagedThreadId & (Count - 1);
}
