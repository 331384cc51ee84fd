using Grpc.Core;
using Grpc.Core.Interceptors;
using Inference;

namespace InferenceServer.Protocols.Grpc;

/// <summary>
/// <see cref="InferenceAuthorization"/> for gRPC: every call but health and control needs the inference token in
/// the <c>authorization</c> metadata. Registered only when the token is configured, so the open server pays nothing.
/// </summary>
public sealed class InferenceTokenInterceptor : Interceptor
{
    // Probes (live, ready, model ready, grpc.health) stay open; control calls answer to the control token.
    private static readonly HashSet<string> Exempt =
    [
        "/inference.GRPCInferenceService/ServerLive",
        "/inference.GRPCInferenceService/ServerReady",
        "/inference.GRPCInferenceService/ModelReady",
        "/inference.GRPCInferenceService/RepositoryModelLoad",
        "/inference.GRPCInferenceService/RepositoryModelUnload",
        "/grpc.health.v1.Health/Check",
        "/grpc.health.v1.Health/Watch",
    ];

    private readonly InferenceAuthorization _authorization;

    public InferenceTokenInterceptor(ServerContext server)
    {
        _authorization = server.InferenceAuthorization;
    }

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        // A log-settings change is a control call; reading the settings is not.
        if (request is not LogSettingsRequest { Settings.Count: > 0 })
        {
            Check(context);
        }

        return continuation(request, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(requestStream, responseStream, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(request, responseStream, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(requestStream, context);
    }

    private void Check(ServerCallContext context)
    {
        if (Exempt.Contains(context.Method))
        {
            return;
        }

        var denied = _authorization.Authorize(context.RequestHeaders.GetValue("authorization") ?? "");
        if (denied.IsError)
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, denied.Message));
        }
    }
}
