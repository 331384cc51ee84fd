namespace InferenceServer.Core.Telemetry.Latency;

/// <summary>What a latency sketch measures.</summary>
public enum LatencyStage
{
    /// <summary>Arrival to response, successful requests.</summary>
    Request,

    /// <summary>Time waiting in the queue, successful requests.</summary>
    Queue,

    /// <summary>One model execution (input, infer, output), per batch.</summary>
    Compute,
}
