using Grpc.Core;
using Grpc.Core.Interceptors;
using Inference;
using InferenceServer.Protocols.Authorization;

namespace InferenceServer.Protocols.Grpc;

/// <summary>
/// gRPC's side of <see cref="AuthorizationTable"/>: every call is looked up by method and decided by the
/// <see cref="RequestAuthorizer"/> before the service sees it, so no service method checks credentials itself.
/// A <c>LogSettings</c> or <c>TraceSetting</c> call that carries settings is a change; one without only reads.
/// </summary>
public sealed class AuthorizationInterceptor : Interceptor
{
    private readonly RequestAuthorizer _authorizer;

    public AuthorizationInterceptor(ServerContext server)
    {
        _authorizer = server.Authorizer;
    }

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var (operation, model) = request switch
        {
            LogSettingsRequest { Settings.Count: > 0 } => (ServerOperation.LogSettingsChange, ""),
            TraceSettingRequest { Settings.Count: > 0 } => (ServerOperation.TraceSettingsChange, ""),
            RepositoryModelLoadRequest load => (ServerOperation.ModelLoad, load.ModelName),
            RepositoryModelUnloadRequest unload => (ServerOperation.ModelUnload, unload.ModelName),
            _ => (Operation(context), ""),
        };
        Check(operation, model, context);
        return continuation(request, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(Operation(context), "", context);
        return continuation(requestStream, responseStream, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(Operation(context), "", context);
        return continuation(request, responseStream, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(Operation(context), "", context);
        return continuation(requestStream, context);
    }

    // A method missing from the table is one the server does not serve: gRPC answers UNIMPLEMENTED for it anyway.
    private static ServerOperation Operation(ServerCallContext context) =>
        AuthorizationTable.GrpcMethods.GetValueOrDefault(context.Method, ServerOperation.None);

    private void Check(ServerOperation operation, string model, ServerCallContext context)
    {
        if (!_authorizer.Checks(operation))
        {
            return;
        }

        var denied = _authorizer.Authorize(operation, model, context.RequestHeaders.GetValue("authorization") ?? "");
        if (denied.IsError)
        {
            throw new RpcException(new Status(ErrorStatus.ToGrpc(denied.Code), denied.Message));
        }
    }
}
