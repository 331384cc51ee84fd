using Grpc.Core;
using InferenceServer.Core.Logging;
using InferenceServer.Core.Tests.Infrastructure;
using InferenceServer.Protocols.Grpc;
using Microsoft.Extensions.Logging;

namespace InferenceServer.Protocols.Tests.Grpc;

/// <summary>A defect behind a gRPC method answers INTERNAL naming the method, logged once with the front end's event id.</summary>
public sealed class UnexpectedErrorInterceptorTests
{
    private const string RepositoryIndex = "/inference.GRPCInferenceService/RepositoryIndex";
    private const string ModelInfer = "/inference.GRPCInferenceService/ModelInfer";

    private readonly RecordingLogger<UnexpectedErrorInterceptor> _log = new();
    private readonly UnexpectedErrorInterceptor _interceptor;

    public UnexpectedErrorInterceptorTests()
    {
        _interceptor = new UnexpectedErrorInterceptor(_log);
    }

    [Fact]
    public async Task Defect_AnswersInternalNamingTheMethod_LoggedOnceWithTheStack()
    {
        var context = new CallContext(RepositoryIndex);

        var status = await Assert.ThrowsAsync<RpcException>(() =>
            _interceptor.UnaryServerHandler<string, string>("request", context, (_, _) => throw new InvalidOperationException("index torn")));

        Assert.Equal(StatusCode.Internal, status.StatusCode);
        Assert.Contains(RepositoryIndex, status.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("index torn", status.Status.Detail, StringComparison.Ordinal);
        var entry = Assert.Single(_log.Entries);
        Assert.Equal((LogLevel.Error, EventIds.GrpcUnexpected), (entry.Level, entry.EventId.Id));
        Assert.Contains(RepositoryIndex, entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refusal_PassesThroughUnchanged_NothingLogged()
    {
        var context = new CallContext(RepositoryIndex);

        var status = await Assert.ThrowsAsync<RpcException>(() =>
            _interceptor.UnaryServerHandler<string, string>("request", context, (_, _) => throw new RpcException(new Status(StatusCode.NotFound, "no model 'x'"))));

        Assert.Equal((StatusCode.NotFound, "no model 'x'"), (status.StatusCode, status.Status.Detail));
        Assert.Empty(_log.Entries);
    }

    [Fact]
    public async Task CallerGone_CancellationIsNotADefect()
    {
        using var gone = new CancellationTokenSource();
        await gone.CancelAsync();
        var context = new CallContext(RepositoryIndex, gone.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            _interceptor.UnaryServerHandler<string, string>("request", context, (_, c) => Task.FromCanceled<string>(c.CancellationToken)));

        Assert.Empty(_log.Entries);
    }

    [Fact]
    public async Task StreamResetByTheClient_IsNotADefect()
    {
        var context = new CallContext("/inference.GRPCInferenceService/ServerLive");

        await Assert.ThrowsAsync<IOException>(() =>
            _interceptor.UnaryServerHandler<string, string>("request", context, (_, _) => Task.FromException<string>(new IOException("The client reset the request stream."))));

        Assert.Empty(_log.Entries);
    }

    [Fact]
    public async Task Inference_IsHandedTheSameTask_TheServiceCatchesItsOwn()
    {
        var context = new CallContext(ModelInfer);
        var answer = new TaskCompletionSource<string>();

        var handled = _interceptor.UnaryServerHandler<string, string>("request", context, (_, _) => answer.Task);

        Assert.Same(answer.Task, handled);
        answer.SetResult("done");
        Assert.Equal("done", await handled);
    }

    /// <summary>The call's context, as grpc-dotnet gives one to a handler: only the method and cancellation matter here.</summary>
    private sealed class CallContext(string method, CancellationToken cancellation = default) : ServerCallContext
    {
        protected override string MethodCore => method;

        protected override string HostCore => "127.0.0.1";

        protected override string PeerCore => "ipv4:127.0.0.1:1";

        protected override DateTime DeadlineCore => DateTime.MaxValue;

        protected override Metadata RequestHeadersCore { get; } = [];

        protected override CancellationToken CancellationTokenCore => cancellation;

        protected override Metadata ResponseTrailersCore { get; } = [];

        protected override Status StatusCore { get; set; }

        protected override WriteOptions? WriteOptionsCore { get; set; }

        protected override AuthContext AuthContextCore { get; } = new(null, []);

        protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) => throw new NotSupportedException();

        protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => Task.CompletedTask;
    }
}
