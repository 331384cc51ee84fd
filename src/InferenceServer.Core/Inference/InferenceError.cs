namespace InferenceServer.Core.Inference;

/// <summary>An expected failure, carried as a value rather than thrown on the request path.</summary>
public readonly record struct InferenceError(InferenceErrorCode Code, string Message)
{
    public bool IsError => Code != InferenceErrorCode.None;

    /// <summary>
    /// For a refusal caused by load: how many seconds until a retry may succeed (HTTP <c>Retry-After</c>); 0 when the
    /// server has no estimate.
    /// </summary>
    public int RetryAfterSeconds { get; init; }

    public static InferenceError None => default;

    public static InferenceError InvalidArgument(string message) => new(InferenceErrorCode.InvalidArgument, message);

    public static InferenceError NotFound(string message) => new(InferenceErrorCode.NotFound, message);

    public static InferenceError Unavailable(string message) => new(InferenceErrorCode.Unavailable, message);

    /// <summary>A refusal caused by load, with the seconds after which a retry may succeed.</summary>
    public static InferenceError Unavailable(string message, int retryAfterSeconds) =>
        new(InferenceErrorCode.Unavailable, message) { RetryAfterSeconds = retryAfterSeconds };

    public static InferenceError Unsupported(string message) => new(InferenceErrorCode.Unsupported, message);

    public static InferenceError Internal(string message) => new(InferenceErrorCode.Internal, message);

    public static InferenceError PermissionDenied(string message) => new(InferenceErrorCode.PermissionDenied, message);

    public static InferenceError Unauthenticated(string message) => new(InferenceErrorCode.Unauthenticated, message);
}
