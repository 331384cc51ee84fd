using System.Collections.Concurrent;
using System.Globalization;
using Grpc.Core;
using InferenceServer.Client;
using InferenceServer.Client.Errors;

namespace InferenceServer.LoadTool.Requests;

/// <summary>
/// Sends prebuilt requests with the client library, cycling through the requests and spreading calls over the clients
/// (for gRPC, one per channel, each its own HTTP/2 connection, as perf_analyzer's clients do). Each response is read to
/// its end into the client's pooled buffer and handed back at once. A failure is named by its status: <c>HTTP 503</c>,
/// <c>gRPC Unavailable</c>, <c>timeout</c>, <c>HTTP transport ConnectionError</c>.
/// </summary>
internal sealed class ClientInferSender : IRequestSender
{
    // Failure names, built once per status.
    private static readonly ConcurrentDictionary<int, string> HttpErrors = new();
    private static readonly string[] GrpcErrors = [.. Enumerable.Range(0, 17).Select(code => $"gRPC {(StatusCode)code}")];

    private readonly InferenceClient[] _clients;
    private readonly InferRequest[] _requests;
    private int _next = -1;

    public ClientInferSender(IReadOnlyList<InferenceClient> clients, IReadOnlyList<InferRequest> requests)
    {
        _clients = [.. clients];
        _requests = [.. requests];
    }

    public async ValueTask<RequestOutcome> SendAsync(CancellationToken cancellationToken)
    {
        var n = (uint)Interlocked.Increment(ref _next);
        var client = _clients[n % (uint)_clients.Length];
        var request = _requests[n % (uint)_requests.Length];
        try
        {
            using var result = await client.InferAsync(request, cancellationToken).ConfigureAwait(false);
            return RequestOutcome.Success;
        }
        catch (InferenceServerException e) when (!cancellationToken.IsCancellationRequested)
        {
            return RequestOutcome.Failed(Name(e));
        }
        catch (InferenceServerException) when (cancellationToken.IsCancellationRequested)
        {
            // The run was cancelled: end it as a cancellation, not as a failed request.
            throw new OperationCanceledException(cancellationToken);
        }
    }

    internal static string Name(InferenceServerException e) => e switch
    {
        { IsDeadlineExceeded: true } or { GrpcStatus: StatusCode.DeadlineExceeded } => "timeout",
        { HttpStatus: { } http } => HttpErrors.GetOrAdd((int)http, static code => string.Create(CultureInfo.InvariantCulture, $"HTTP {code}")),
        { GrpcStatus: { } grpc } when (int)grpc < GrpcErrors.Length => GrpcErrors[(int)grpc],
        { InnerException: HttpRequestException transport } => $"HTTP transport {transport.HttpRequestError}",
        _ => "client error",
    };
}
