using Grpc.Core;
using InferenceServer.Core.Inference;

namespace InferenceServer.Protocols;

/// <summary>The brief's status mapping (§2.2) from an error code to HTTP and gRPC statuses.</summary>
public static class ErrorStatus
{
    public static int ToHttp(InferenceErrorCode code) => code switch
    {
        InferenceErrorCode.InvalidArgument or InferenceErrorCode.Cancelled or InferenceErrorCode.FailedPrecondition or InferenceErrorCode.AlreadyExists => 400,
        InferenceErrorCode.Unauthenticated => 401,
        InferenceErrorCode.PermissionDenied => 403,
        InferenceErrorCode.NotFound => 404,
        InferenceErrorCode.PayloadTooLarge => 413,
        InferenceErrorCode.Unsupported => 501,
        InferenceErrorCode.Unavailable => 503,
        _ => 500,
    };

    public static StatusCode ToGrpc(InferenceErrorCode code) => code switch
    {
        InferenceErrorCode.InvalidArgument => StatusCode.InvalidArgument,
        InferenceErrorCode.Unauthenticated => StatusCode.Unauthenticated,
        InferenceErrorCode.PermissionDenied => StatusCode.PermissionDenied,
        InferenceErrorCode.NotFound => StatusCode.NotFound,
        InferenceErrorCode.PayloadTooLarge => StatusCode.ResourceExhausted,
        InferenceErrorCode.Unsupported => StatusCode.Unimplemented,
        InferenceErrorCode.Unavailable => StatusCode.Unavailable,
        InferenceErrorCode.Cancelled => StatusCode.Cancelled,
        InferenceErrorCode.FailedPrecondition => StatusCode.FailedPrecondition,
        InferenceErrorCode.AlreadyExists => StatusCode.AlreadyExists,
        _ => StatusCode.Internal,
    };
}
