using Grpc.Core;
using InferenceServer.Core.Logging;
using Microsoft.Extensions.Logging;

namespace InferenceServer.Protocols.Grpc;

/// <summary>
/// What the gRPC front end does with an exception nothing expected (a defect, not a refusal): logs it once with the
/// method and its own event id, and answers INTERNAL with a message that names the method but none of the server's
/// internals (the stack stays in the log), as the HTTP front end answers 500.
/// </summary>
internal static partial class GrpcUnexpectedErrors
{
    /// <summary>
    /// Whether the exception is a defect: not a status this front end raised on purpose, not the caller going away
    /// (a cancelled call, or a stream the client reset: Kestrel's <see cref="IOException"/> while reading).
    /// </summary>
    public static bool IsUnexpected(Exception exception, ServerCallContext context) =>
        exception is not (RpcException or IOException) && !(exception is OperationCanceledException && context.CancellationToken.IsCancellationRequested);

    /// <summary>Logs the exception and gives the status the caller gets.</summary>
    public static RpcException Report(ILogger logger, ServerCallContext context, Exception exception)
    {
        LogUnexpected(logger, context.Method, exception);
        return new RpcException(new Status(StatusCode.Internal, $"unexpected error serving {context.Method}; the server log has the details"));
    }

    [LoggerMessage(EventId = EventIds.GrpcUnexpected, Level = LogLevel.Error, Message = "Unexpected error serving {Method}")]
    private static partial void LogUnexpected(ILogger logger, string method, Exception exception);
}
