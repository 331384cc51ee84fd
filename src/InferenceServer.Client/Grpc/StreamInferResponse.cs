namespace InferenceServer.Client.Grpc;

/// <summary>
/// One message of a <c>ModelStreamInfer</c> stream: a result, or the server's error for one request (the stream goes
/// on after it). Dispose it to return the result's buffer.
/// </summary>
public sealed class StreamInferResponse : IDisposable
{
    internal StreamInferResponse(InferResult? result, string? errorMessage)
    {
        Result = result;
        ErrorMessage = errorMessage;
    }

    /// <summary>The result; null when the server answered an error for this request.</summary>
    public InferResult? Result { get; }

    /// <summary>The server's error message for this request; null when it succeeded.</summary>
    public string? ErrorMessage { get; }

    /// <summary>The result, or an <see cref="Errors.InferenceServerException"/> with the server's message.</summary>
    public InferResult GetResultOrThrow() =>
        Result ?? throw new Errors.InferenceServerException($"ModelStreamInfer answered an error: {ErrorMessage}", ErrorMessage ?? "", null, global::Grpc.Core.StatusCode.Unknown, false, false, null);

    /// <summary>Returns the result's buffer to the pool.</summary>
    public void Dispose() => Result?.Dispose();
}
