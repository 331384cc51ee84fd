using System.Diagnostics;

namespace InferenceServer.Core.Models;

/// <summary>
/// Triton's per-version statistics (brief §2.15): request outcomes and the time spent in each stage.
/// Counted per request; <see cref="InferenceCount"/> counts rows, <see cref="ExecutionCount"/> model runs.
/// </summary>
public sealed class ModelVersionStatistics
{
    private long _inferenceCount;
    private long _executionCount;
    private long _lastInferenceMilliseconds;

    public StatisticDuration Success { get; } = new();

    public StatisticDuration Fail { get; } = new();

    public StatisticDuration Queue { get; } = new();

    public StatisticDuration ComputeInput { get; } = new();

    public StatisticDuration ComputeInfer { get; } = new();

    public StatisticDuration ComputeOutput { get; } = new();

    public long InferenceCount => Interlocked.Read(ref _inferenceCount);

    public long ExecutionCount => Interlocked.Read(ref _executionCount);

    /// <summary>Milliseconds since the Unix epoch of the last completed inference (0 if none).</summary>
    public long LastInferenceMilliseconds => Interlocked.Read(ref _lastInferenceMilliseconds);

    /// <summary>Records one model execution over <paramref name="rows"/> rows.</summary>
    public void RecordExecution(long rows, long inputNs, long inferNs, long outputNs, TimeProvider time)
    {
        Interlocked.Add(ref _inferenceCount, rows);
        Interlocked.Increment(ref _executionCount);
        ComputeInput.Add(1, inputNs);
        ComputeInfer.Add(1, inferNs);
        ComputeOutput.Add(1, outputNs);
        Volatile.Write(ref _lastInferenceMilliseconds, time.GetUtcNow().ToUnixTimeMilliseconds());
    }

    /// <summary>Nanoseconds between two <see cref="Stopwatch"/> timestamps.</summary>
    public static long ElapsedNanoseconds(long start, long end) =>
        (long)((end - start) * (1_000_000_000.0 / Stopwatch.Frequency));
}
