namespace InferenceServer.Core.Inference;

/// <summary>
/// Why a request failed, in the protocol's terms; each front end maps it to its status
/// (HTTP 400/401/403/404/503/501/500, gRPC INVALID_ARGUMENT/UNAUTHENTICATED/PERMISSION_DENIED/NOT_FOUND/UNAVAILABLE/UNIMPLEMENTED/INTERNAL).
/// </summary>
public enum InferenceErrorCode
{
    None = 0,
    InvalidArgument,
    NotFound,
    Unavailable,
    Unsupported,
    Internal,
    PayloadTooLarge,
    Cancelled,

    /// <summary>The caller may not do this (a control call the server's mode or credentials do not allow).</summary>
    PermissionDenied,

    /// <summary>The call needs credentials it did not carry, or carried wrong ones.</summary>
    Unauthenticated,

    /// <summary>The server lacks what the call needs (CUDA shared memory on a server without a GPU).</summary>
    FailedPrecondition,

    /// <summary>The name is taken (a shared-memory region registered twice).</summary>
    AlreadyExists,
}
