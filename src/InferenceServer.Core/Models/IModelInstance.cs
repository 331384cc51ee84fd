using InferenceServer.Core.Inference;
using InferenceServer.Core.Scheduling;

namespace InferenceServer.Core.Models;

/// <summary>
/// One execution context of a model version (an ONNX Runtime session, say). An instance runs one batch
/// at a time on the dedicated thread its scheduler gives it.
/// </summary>
public interface IModelInstance : IDisposable
{
    /// <summary>The instance name, <c>&lt;group&gt;_&lt;index&gt;</c> as Triton names them.</summary>
    string Name { get; }

    /// <summary>
    /// Runs the requests as one execution (their rows concatenated along the batch dimension; a single
    /// request when the model does not batch) and adds each request's outputs. Expected failures (a model
    /// that rejects the input) are recorded with <see cref="InferenceRequest.SetError"/> on the affected
    /// requests; the scheduler completes every request afterwards. An exception fails the whole batch.
    /// </summary>
    ExecutionTimings Execute(ReadOnlySpan<InferenceRequest> batch);
}
