using InferenceServer.Core.Models;

namespace InferenceServer.Core.Inference.Pipeline;

/// <summary>
/// A step that runs once a request has been answered, for every protocol, after the answer is on the wire and before
/// the request's buffers go back to their pools: where a feature that only observes requests (tracing, auditing)
/// plugs in. Runs on the thread pool after the answer was handed to the transport, never inside the caller's latency; it must not keep the
/// request, its inputs or its outputs after it returns.
/// </summary>
public interface IAnsweredRequestHook
{
    void OnAnswered(ModelVersion version, InferenceRequest request, RequestOutcome outcome);
}
