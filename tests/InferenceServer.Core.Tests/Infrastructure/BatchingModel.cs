using Inference;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Models;
using InferenceServer.Core.Scheduling;
using InferenceServer.Core.Tensors;
using TensorType = InferenceServer.Core.Tensors.DataType;

namespace InferenceServer.Core.Tests.Infrastructure;

/// <summary>
/// A model with one variable-width input and two outputs, its <c>dynamic_batching</c> configs, and the
/// requests scheduling tests send it (validated as the front ends would leave them: rows, shapes, bound specs).
/// </summary>
internal static class BatchingModel
{
    public static readonly TensorSpec Input = new("INPUT0", TensorType.Int32, [-1], 0);

    public static readonly TensorSpec Output0 = new("OUTPUT0", TensorType.Int32, [-1], 0);

    public static readonly TensorSpec Output1 = new("OUTPUT1", TensorType.Int32, [-1], 1);

    /// <summary>A batching config; tests adjust <see cref="ModelConfig.DynamicBatching"/> further.</summary>
    public static ModelConfig Config(int maxBatchSize, ulong maxQueueDelayMicroseconds, params int[] preferredBatchSizes)
    {
        var batching = new ModelDynamicBatching { MaxQueueDelayMicroseconds = maxQueueDelayMicroseconds };
        batching.PreferredBatchSize.AddRange(preferredBatchSizes);
        return new ModelConfig { Name = "m", MaxBatchSize = maxBatchSize, DynamicBatching = batching };
    }

    /// <summary>A request of <paramref name="rows"/> rows whose input is [rows, <paramref name="width"/>].</summary>
    public static InferenceRequest Request(string id, long rows = 1, long width = 4, TensorSpec? output = null, ulong priority = 0, ulong timeoutMicroseconds = 0)
    {
        var request = new InferenceRequest { Id = id, BatchSize = rows, Priority = priority, TimeoutMicroseconds = timeoutMicroseconds };
        request.AddInput(Input.Name, TensorType.Int32, TensorShape.Create([rows, width]), Input);
        if (output is not null)
        {
            request.AddRequestedOutput(output.Name, binary: false).Spec = output;
        }

        return request;
    }

    public static RequestScheduler Scheduler(ModelConfig config, IReadOnlyList<IModelInstance> instances, ModelVersionStatistics statistics, TimeProvider time) =>
        new(config.Name, instances, SchedulerPolicy.FromConfig(config), statistics, time);

    /// <summary>Whether the request has completed, read from its completion source (no continuation delay).</summary>
    public static bool IsCompleted(this InferenceRequest request)
    {
#pragma warning disable CA2012 // Only the status is read; the ValueTask is never awaited, so it is not consumed.
        return request.WaitAsync().IsCompleted;
#pragma warning restore CA2012
    }

    public static Task AllCompleted(IEnumerable<InferenceRequest> requests) =>
        Task.WhenAll(requests.Select(r => r.WaitAsync().AsTask())).WithTimeout();
}
