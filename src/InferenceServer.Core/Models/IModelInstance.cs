using InferenceServer.Core.Inference;

namespace InferenceServer.Core.Models;

/// <summary>
/// One execution context of a model version (an ONNX Runtime session, say). An instance runs one
/// request at a time on the dedicated thread its scheduler gives it.
/// </summary>
public interface IModelInstance : IDisposable
{
    /// <summary>The instance name, <c>&lt;group&gt;_&lt;index&gt;</c> as Triton names them.</summary>
    string Name { get; }

    /// <summary>
    /// Runs the request and adds its outputs. Expected failures (a model that rejects the input) are
    /// reported with <see cref="InferenceRequest.Fail"/>; the caller completes successful requests.
    /// </summary>
    void Execute(InferenceRequest request);
}
