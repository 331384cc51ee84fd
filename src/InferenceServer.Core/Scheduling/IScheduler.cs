using InferenceServer.Core.Inference;

namespace InferenceServer.Core.Scheduling;

/// <summary>Hands validated requests of one model version to its instances.</summary>
public interface IScheduler : IDisposable
{
    /// <summary>Queues the request; it completes through <see cref="InferenceRequest.WaitAsync"/>.</summary>
    void Enqueue(InferenceRequest request);

    /// <summary>Requests received but not yet started by an instance.</summary>
    int PendingCount { get; }
}
