namespace InferenceServer.Core.Inference;

/// <summary>
/// Why a request failed, in the protocol's terms; each front end maps it to its status
/// (HTTP 400/404/503/501/500, gRPC INVALID_ARGUMENT/NOT_FOUND/UNAVAILABLE/UNIMPLEMENTED/INTERNAL).
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
}
