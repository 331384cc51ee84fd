namespace InferenceServer.Client.Models;

/// <summary>One model version's cumulative statistics (Triton's <c>model_stats</c> entry).</summary>
/// <param name="Name">The model's name.</param>
/// <param name="Version">The version.</param>
/// <param name="LastInference">When it last ran, in milliseconds since the Unix epoch (0 when never).</param>
/// <param name="InferenceCount">Inferences run (a batch of n counts n).</param>
/// <param name="ExecutionCount">Model executions (a batch counts once).</param>
/// <param name="Success">Requests that succeeded, and their total time.</param>
/// <param name="Fail">Requests that failed.</param>
/// <param name="Queue">Time spent queued.</param>
/// <param name="ComputeInput">Time spent preparing inputs.</param>
/// <param name="ComputeInfer">Time spent running the model.</param>
/// <param name="ComputeOutput">Time spent extracting outputs.</param>
/// <param name="CacheHit">Requests the response cache answered.</param>
/// <param name="CacheMiss">Requests the response cache looked up and missed.</param>
public sealed record ModelStatistics(
    string Name,
    string Version,
    long LastInference,
    long InferenceCount,
    long ExecutionCount,
    DurationStatistic Success,
    DurationStatistic Fail,
    DurationStatistic Queue,
    DurationStatistic ComputeInput,
    DurationStatistic ComputeInfer,
    DurationStatistic ComputeOutput,
    DurationStatistic CacheHit,
    DurationStatistic CacheMiss);
