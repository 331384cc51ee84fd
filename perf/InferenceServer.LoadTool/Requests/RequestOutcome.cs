namespace InferenceServer.LoadTool.Requests;

/// <summary>How one request ended: success, or an error named by its status (<c>HTTP 503</c>, <c>gRPC Unavailable</c>, <c>timeout</c>).</summary>
internal readonly record struct RequestOutcome(string? Error)
{
    public static readonly RequestOutcome Success = new((string?)null);

    public bool IsSuccess => Error is null;

    public static RequestOutcome Failed(string error) => new(error);
}
