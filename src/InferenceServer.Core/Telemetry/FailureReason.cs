namespace InferenceServer.Core.Telemetry;

/// <summary>Why a request failed, as Triton's <c>nv_inference_request_failure{reason}</c> labels it.</summary>
public enum FailureReason
{
    /// <summary>Refused before it could run: the queue was full or the request timed out in it.</summary>
    Rejected,

    /// <summary>The caller went away or cancelled it.</summary>
    Canceled,

    /// <summary>The model's execution failed.</summary>
    Backend,

    /// <summary>Anything else, chiefly a request that failed validation.</summary>
    Other,
}

/// <summary>Label values of <see cref="FailureReason"/>.</summary>
public static class FailureReasons
{
    public static readonly FailureReason[] All = [FailureReason.Rejected, FailureReason.Canceled, FailureReason.Backend, FailureReason.Other];

    public static string ToLabel(this FailureReason reason) => reason switch
    {
        FailureReason.Rejected => "REJECTED",
        FailureReason.Canceled => "CANCELED",
        FailureReason.Backend => "BACKEND",
        _ => "OTHER",
    };
}
