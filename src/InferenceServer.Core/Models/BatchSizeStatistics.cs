namespace InferenceServer.Core.Models;

/// <summary>Triton's <c>batch_stats</c> entry: executions of one batch size and their stage durations.</summary>
public sealed class BatchSizeStatistics(long batchSize)
{
    public long BatchSize { get; } = batchSize;

    public StatisticDuration ComputeInput { get; } = new();

    public StatisticDuration ComputeInfer { get; } = new();

    public StatisticDuration ComputeOutput { get; } = new();
}
