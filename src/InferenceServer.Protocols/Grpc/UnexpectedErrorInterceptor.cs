using Grpc.Core;
using Grpc.Core.Interceptors;
using InferenceServer.Protocols.Authorization;
using Microsoft.Extensions.Logging;

namespace InferenceServer.Protocols.Grpc;

/// <summary>
/// Turns an exception nothing expected into a logged INTERNAL status for every gRPC method but the two inference
/// calls, which catch their own inside the service: wrapping them here would cost each request an async state machine.
/// </summary>
public sealed class UnexpectedErrorInterceptor : Interceptor
{
    private readonly ILogger _logger;

    public UnexpectedErrorInterceptor(ILogger<UnexpectedErrorInterceptor> logger)
    {
        _logger = logger;
    }

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation) =>
        IsInference(context) ? continuation(request, context) : GuardAsync(() => continuation(request, context), context);

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation) =>
        IsInference(context) ? continuation(requestStream, responseStream, context) : GuardAsync(() => continuation(requestStream, responseStream, context), context);

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation) =>
        GuardAsync(() => continuation(request, responseStream, context), context);

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation) =>
        GuardAsync(() => continuation(requestStream, context), context);

    private static bool IsInference(ServerCallContext context) =>
        AuthorizationTable.GrpcMethods.GetValueOrDefault(context.Method, ServerOperation.None) == ServerOperation.Infer;

    private async Task<TResponse> GuardAsync<TResponse>(Func<Task<TResponse>> call, ServerCallContext context)
    {
        try
        {
            // Inside the try: a handler that is not async throws before it returns a task.
            return await call().ConfigureAwait(false);
        }
        catch (Exception ex) when (GrpcUnexpectedErrors.IsUnexpected(ex, context))
        {
            throw GrpcUnexpectedErrors.Report(_logger, context, ex);
        }
    }

    private async Task GuardAsync(Func<Task> call, ServerCallContext context)
    {
        try
        {
            await call().ConfigureAwait(false);
        }
        catch (Exception ex) when (GrpcUnexpectedErrors.IsUnexpected(ex, context))
        {
            throw GrpcUnexpectedErrors.Report(_logger, context, ex);
        }
    }
}
