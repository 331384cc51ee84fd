namespace InferenceServer.Core.Inference.Pipeline;

/// <summary>
/// Whether the server takes requests: started once the repository was loaded at start-up; stopping as soon as shutdown
/// begins (readiness turns false); refusing once shutdown's grace period is over (new inference answers 503 /
/// UNAVAILABLE while accepted requests finish). The grace period lets load balancers see readiness turn false first.
/// </summary>
public sealed class ServerAdmission
{
    /// <summary>What a request refused during shutdown is told.</summary>
    public const string RefusingMessage = "the server is shutting down: it takes no new inference requests; send to another replica";

    private volatile bool _started;
    private volatile bool _stopping;
    private volatile bool _refusing;

    public bool Started { get => _started; set => _started = value; }

    public bool Stopping { get => _stopping; set => _stopping = value; }

    public bool Refusing { get => _refusing; set => _refusing = value; }
}
