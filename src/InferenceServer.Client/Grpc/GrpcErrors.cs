using Grpc.Core;
using InferenceServer.Client.Errors;
using InferenceServer.Client.Transport;

namespace InferenceServer.Client.Grpc;

/// <summary>gRPC failures as the client's exceptions: the caller's own cancellation stays an <see cref="OperationCanceledException"/>.</summary>
internal static class GrpcErrors
{
    public static Exception Translate(RpcException exception, string method, CancellationToken cancellationToken)
    {
        if (exception.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
        {
            return new OperationCanceledException($"{method} was cancelled", exception, cancellationToken);
        }

        var noConnection = exception.StatusCode == StatusCode.Unavailable && ConnectRetry.NothingWasSent(exception.Status.DebugException ?? exception);
        return new InferenceServerException(
            $"{method} failed with {exception.StatusCode}: {exception.Status.Detail}",
            exception.Status.Detail, null, exception.StatusCode,
            deadlineExceeded: exception.StatusCode == StatusCode.DeadlineExceeded, connectionFailure: noConnection, exception);
    }

    /// <summary>True for an UNAVAILABLE the transport reported because no connection could be made: the request never left.</summary>
    public static bool NothingWasSent(RpcException exception) =>
        exception.StatusCode == StatusCode.Unavailable && exception.Status.DebugException is { } cause && ConnectRetry.NothingWasSent(cause);
}
