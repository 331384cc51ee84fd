namespace InferenceServer.Core.Inference;

/// <summary>An expected failure, carried as a value rather than thrown on the request path.</summary>
public readonly record struct InferenceError(InferenceErrorCode Code, string Message)
{
    public bool IsError => Code != InferenceErrorCode.None;

    public static InferenceError None => default;

    public static InferenceError InvalidArgument(string message) => new(InferenceErrorCode.InvalidArgument, message);

    public static InferenceError NotFound(string message) => new(InferenceErrorCode.NotFound, message);

    public static InferenceError Unavailable(string message) => new(InferenceErrorCode.Unavailable, message);

    public static InferenceError Unsupported(string message) => new(InferenceErrorCode.Unsupported, message);

    public static InferenceError Internal(string message) => new(InferenceErrorCode.Internal, message);

    public static InferenceError PermissionDenied(string message) => new(InferenceErrorCode.PermissionDenied, message);

    public static InferenceError Unauthenticated(string message) => new(InferenceErrorCode.Unauthenticated, message);
}
