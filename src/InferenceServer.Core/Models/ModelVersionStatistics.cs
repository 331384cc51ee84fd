using System.Diagnostics;
using InferenceServer.Core.Telemetry;
using InferenceServer.Core.Telemetry.Latency;

namespace InferenceServer.Core.Models;

/// <summary>
/// Triton's per-version statistics (brief §2.15): request outcomes and the time spent in each stage.
/// Counted per request; <see cref="InferenceCount"/> counts rows, <see cref="ExecutionCount"/> model runs.
/// </summary>
public sealed class ModelVersionStatistics
{
    // Indexed by batch size; entries appear on first use and live as long as the version.
    private readonly BatchSizeStatistics?[] _batchSizes;
    private readonly long[] _failures = new long[FailureReasons.All.Length];
    private readonly IVersionObserver _observer;
    private long _inferenceCount;
    private long _executionCount;
    private long _lastInferenceMilliseconds;

    /// <param name="maxBatchRows">Largest batch the model runs (1 when it does not batch).</param>
    /// <param name="observer">Hears each outcome as it happens (the metrics exporter's histograms).</param>
    /// <param name="latency">Latency sketches to feed; null when sketches are off.</param>
    public ModelVersionStatistics(int maxBatchRows = 1, IVersionObserver? observer = null, LatencySketches? latency = null)
    {
        _batchSizes = new BatchSizeStatistics?[Math.Max(1, maxBatchRows) + 1];
        _observer = observer ?? NullVersionObserver.Instance;
        Latency = latency;
    }

    /// <summary>Latency sketches per stage (lifetime and sliding windows); null when sketches are off.</summary>
    public LatencySketches? Latency { get; }

    /// <summary>Failed requests with <paramref name="reason"/> (their sum is <see cref="Fail"/>'s count).</summary>
    public long Failures(FailureReason reason) => Interlocked.Read(ref _failures[(int)reason]);

    /// <summary>A request that failed after <paramref name="nanoseconds"/> in the server.</summary>
    public void RecordFailure(FailureReason reason, long nanoseconds)
    {
        Fail.Add(1, nanoseconds);
        Interlocked.Increment(ref _failures[(int)reason]);
    }

    /// <summary>A request that succeeded after <paramref name="nanoseconds"/>, <paramref name="queueNanoseconds"/> of them queued.</summary>
    public void RecordSuccess(long nanoseconds, long queueNanoseconds)
    {
        Success.Add(1, nanoseconds);
        Queue.Add(1, queueNanoseconds);
        _observer.OnSuccess(nanoseconds, queueNanoseconds);
        Latency?.RecordRequest(nanoseconds, queueNanoseconds);
    }

    /// <summary>
    /// A request answered from the response cache after <paramref name="requestNanoseconds"/> in the server,
    /// <paramref name="lookupNanoseconds"/> of them finding and copying the answer: a success with no queue time, and no
    /// compute (Triton's accounting: <c>compute_*.count</c> = <c>success.count</c> − <c>cache_hit.count</c>).
    /// </summary>
    public void RecordCacheHit(long lookupNanoseconds, long requestNanoseconds)
    {
        CacheHit.Add(1, lookupNanoseconds);
        RecordSuccess(requestNanoseconds, 0);
    }

    public StatisticDuration Success { get; } = new();

    public StatisticDuration Fail { get; } = new();

    public StatisticDuration Queue { get; } = new();

    public StatisticDuration ComputeInput { get; } = new();

    public StatisticDuration ComputeInfer { get; } = new();

    public StatisticDuration ComputeOutput { get; } = new();

    /// <summary>Requests answered from the response cache; lookup and copy time.</summary>
    public StatisticDuration CacheHit { get; } = new();

    /// <summary>Requests the response cache did not have; lookup time plus the time to store the computed answer.</summary>
    public StatisticDuration CacheMiss { get; } = new();

    public long InferenceCount => Interlocked.Read(ref _inferenceCount);

    public long ExecutionCount => Interlocked.Read(ref _executionCount);

    /// <summary>Milliseconds since the Unix epoch of the last completed inference (0 if none).</summary>
    public long LastInferenceMilliseconds => Interlocked.Read(ref _lastInferenceMilliseconds);

    /// <summary>The batch sizes executed so far, ascending (Triton's <c>batch_stats</c>).</summary>
    public IEnumerable<BatchSizeStatistics> BatchSizes
    {
        get
        {
            for (var i = 0; i < _batchSizes.Length; i++)
            {
                if (Volatile.Read(ref _batchSizes[i]) is { } statistics)
                {
                    yield return statistics;
                }
            }
        }
    }

    /// <summary>
    /// Records one model execution over <paramref name="rows"/> rows of which <paramref name="successfulRows"/>
    /// in <paramref name="successfulRequests"/> requests succeeded. As in Triton, every request of a batch
    /// is charged the batch's compute durations, so compute counts equal success counts.
    /// </summary>
    public void RecordExecution(long rows, int successfulRequests, long successfulRows, Scheduling.ExecutionTimings timings, TimeProvider time)
    {
        Interlocked.Add(ref _inferenceCount, successfulRows);
        Interlocked.Increment(ref _executionCount);
        ComputeInput.Add(successfulRequests, successfulRequests * timings.InputNanoseconds);
        ComputeInfer.Add(successfulRequests, successfulRequests * timings.InferNanoseconds);
        ComputeOutput.Add(successfulRequests, successfulRequests * timings.OutputNanoseconds);
        var batch = BatchSize(rows);
        batch.ComputeInput.Add(1, timings.InputNanoseconds);
        batch.ComputeInfer.Add(1, timings.InferNanoseconds);
        batch.ComputeOutput.Add(1, timings.OutputNanoseconds);
        Volatile.Write(ref _lastInferenceMilliseconds, time.GetUtcNow().ToUnixTimeMilliseconds());
        var compute = timings.InputNanoseconds + timings.InferNanoseconds + timings.OutputNanoseconds;
        _observer.OnExecution(rows, compute);
        Latency?.Record(LatencyStage.Compute, compute);
    }

    private BatchSizeStatistics BatchSize(long rows)
    {
        var index = (int)Math.Clamp(rows, 0, _batchSizes.Length - 1);
        return Volatile.Read(ref _batchSizes[index])
            ?? Interlocked.CompareExchange(ref _batchSizes[index], new BatchSizeStatistics(rows), null)
            ?? _batchSizes[index]!;
    }

    /// <summary>Nanoseconds between two <see cref="Stopwatch"/> timestamps.</summary>
    public static long ElapsedNanoseconds(long start, long end) =>
        (long)((end - start) * (1_000_000_000.0 / Stopwatch.Frequency));
}
