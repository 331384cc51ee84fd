namespace InferenceServer.Client;

/// <summary>How an <see cref="InferenceClient"/> calls the server. Every default is stated on its property.</summary>
public sealed class InferenceClientOptions
{
    /// <summary>
    /// The bearer token sent on data-plane calls (inference, metadata, statistics, reads): the server's
    /// <c>--inference-token-file</c>. Default null: no <c>Authorization</c> header.
    /// </summary>
    public string? InferenceToken { get; set; }

    /// <summary>
    /// The bearer token sent on control calls (model load and unload, traffic policy changes): the server's
    /// <c>--control-token-file</c>. Default null: control calls send no token, and the server refuses them.
    /// </summary>
    public string? ControlToken { get; set; }

    /// <summary>
    /// Each call's deadline, from the moment it starts (a gRPC deadline; over HTTP a cancellation of the request and its
    /// response body). Default null: none beyond the caller's cancellation token (and an <see cref="HttpClient"/>'s own Timeout).
    /// </summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>
    /// How many times a call is tried again when no connection could be made (refused, host unreachable): the request
    /// was never sent, so trying again cannot run it twice. Nothing else is retried: not a server error, not a reset
    /// after the request went out, not a gRPC UNAVAILABLE the server itself answered. Default 2, range 0 to 10.
    /// </summary>
    public int ConnectRetries { get; set; } = 2;

    /// <summary>The pause before the first retry, doubled before each next one. Default 50 ms.</summary>
    public TimeSpan ConnectRetryDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// HTTP only: how tensors travel. Default <see cref="HttpTensorEncoding.Binary"/> (the binary tensor extension for
    /// inputs and outputs: no number formatting, no parsing, exact floats).
    /// </summary>
    public HttpTensorEncoding HttpEncoding { get; set; } = HttpTensorEncoding.Binary;

    /// <summary>HTTP only: gzip the request body (the server must accept <c>Content-Encoding: gzip</c>). Default false.</summary>
    public bool CompressRequests { get; set; }

    /// <summary>HTTP only: send <c>Accept-Encoding: gzip</c> and decompress what comes back gzip'd. Default false.</summary>
    public bool AcceptCompressedResponses { get; set; }

    /// <summary>
    /// Check each request's inputs against the model's metadata (names, datatypes, ranks, fixed dims) before sending,
    /// throwing <see cref="ArgumentException"/> with what differs. The metadata is fetched once per model and version
    /// and kept for the client's life (a reloaded model with another signature needs a new client). Default false:
    /// the server checks anyway; this only fails earlier, and costs a lookup per request.
    /// </summary>
    public bool ValidateShapes { get; set; }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ConnectRetries);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ConnectRetries, 10);
        ArgumentOutOfRangeException.ThrowIfLessThan(ConnectRetryDelay, TimeSpan.Zero, nameof(ConnectRetryDelay));
        if (Timeout is { } timeout)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero, nameof(Timeout));
        }
    }
}
