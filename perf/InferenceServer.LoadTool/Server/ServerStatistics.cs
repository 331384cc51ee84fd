namespace InferenceServer.LoadTool.Server;

/// <summary>
/// A model's cumulative statistics at one moment (Triton's <c>inference_stats</c>, summed over the versions the
/// tool targets). Two snapshots taken around a step give that step's server-side numbers.
/// </summary>
internal sealed record ServerStatistics(
    CountedDuration Success,
    CountedDuration Fail,
    CountedDuration Queue,
    CountedDuration ComputeInput,
    CountedDuration ComputeInfer,
    CountedDuration ComputeOutput,
    long InferenceCount,
    long ExecutionCount)
{
    public static readonly ServerStatistics Zero = new(default, default, default, default, default, default, 0, 0);

    public static ServerStatistics operator +(ServerStatistics a, ServerStatistics b) => new(
        a.Success + b.Success, a.Fail + b.Fail, a.Queue + b.Queue, a.ComputeInput + b.ComputeInput,
        a.ComputeInfer + b.ComputeInfer, a.ComputeOutput + b.ComputeOutput,
        a.InferenceCount + b.InferenceCount, a.ExecutionCount + b.ExecutionCount);

    public static ServerStatistics operator -(ServerStatistics a, ServerStatistics b) => new(
        a.Success - b.Success, a.Fail - b.Fail, a.Queue - b.Queue, a.ComputeInput - b.ComputeInput,
        a.ComputeInfer - b.ComputeInfer, a.ComputeOutput - b.ComputeOutput,
        a.InferenceCount - b.InferenceCount, a.ExecutionCount - b.ExecutionCount);
}
