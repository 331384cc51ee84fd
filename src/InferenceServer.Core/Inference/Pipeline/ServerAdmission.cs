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

    private readonly TaskCompletionSource _stoppingBegun = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _refusingBegun = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _started;
    private volatile bool _stopping;
    private volatile bool _refusing;

    public bool Started { get => _started; set => _started = value; }

    public bool Stopping
    {
        get => _stopping;
        set
        {
            _stopping = value;
            if (value)
            {
                _stoppingBegun.TrySetResult();
            }
        }
    }

    public bool Refusing
    {
        get => _refusing;
        set
        {
            _refusing = value;
            if (value)
            {
                _refusingBegun.TrySetResult();
            }
        }
    }

    /// <summary>Completes when shutdown begins (readiness turns false); tests wait on it instead of polling readiness.</summary>
    public Task StoppingBegun => _stoppingBegun.Task;

    /// <summary>Completes when the grace period is over and new inference requests are refused.</summary>
    public Task RefusingBegun => _refusingBegun.Task;
}
