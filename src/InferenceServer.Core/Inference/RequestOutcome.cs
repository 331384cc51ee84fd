namespace InferenceServer.Core.Inference;

/// <summary>
/// How one request ended, as the traffic policy judges it. The pipeline decides it from the stage that failed, not
/// from the status code: a graph that rejects its input at run time answers 400 but is the version's fault, while a
/// malformed request rejected before scheduling is the caller's, and must never count against a canary.
/// </summary>
public enum RequestOutcome
{
    /// <summary>Answered with outputs.</summary>
    Success,

    /// <summary>Refused before it reached the scheduler: malformed, wrong shapes or types, too large.</summary>
    ClientError,

    /// <summary>Failed after it was admitted to the version's scheduler: execution error, queue full, timeout.</summary>
    ServerError,
}
