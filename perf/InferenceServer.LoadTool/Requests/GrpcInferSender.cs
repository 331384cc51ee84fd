using Grpc.Core;
using InferenceServer.LoadTool.Server;

namespace InferenceServer.LoadTool.Requests;

/// <summary>
/// Calls ModelInfer with prebuilt requests, spreading calls over several channels (each its own HTTP/2
/// connection) so one connection's framing is not the limit, as perf_analyzer's clients do.
/// </summary>
internal sealed class GrpcInferSender : IRequestSender
{
    // "gRPC Unavailable" and so on, built once per status code.
    private static readonly string[] StatusErrors = [.. Enumerable.Range(0, 17).Select(code => $"gRPC {(StatusCode)code}")];

    private readonly CallInvoker[] _invokers;
    private readonly SerializedRequest[] _requests;
    private readonly TimeSpan _timeout;
    private int _next = -1;

    public GrpcInferSender(IReadOnlyList<CallInvoker> invokers, IReadOnlyList<SerializedRequest> requests, TimeSpan timeout)
    {
        _invokers = [.. invokers];
        _requests = [.. requests];
        _timeout = timeout;
    }

    public async ValueTask<RequestOutcome> SendAsync(CancellationToken cancellationToken)
    {
        var n = (uint)Interlocked.Increment(ref _next);
        var invoker = _invokers[n % (uint)_invokers.Length];
        var request = _requests[n % (uint)_requests.Length];
        try
        {
            using var call = invoker.AsyncUnaryCall(GrpcMethods.ModelInfer, null, new CallOptions(deadline: DateTime.UtcNow + _timeout, cancellationToken: cancellationToken), request);
            await call.ResponseAsync.ConfigureAwait(false);
            return RequestOutcome.Success;
        }
        catch (RpcException e) when (!cancellationToken.IsCancellationRequested)
        {
            return RequestOutcome.Failed(e.StatusCode == StatusCode.DeadlineExceeded ? "timeout" : StatusErrors[(int)e.StatusCode]);
        }
        catch (RpcException) when (cancellationToken.IsCancellationRequested)
        {
            // The run was cancelled: end it the way the HTTP sender does, not as an RPC failure.
            throw new OperationCanceledException(cancellationToken);
        }
    }
}
