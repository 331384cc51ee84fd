using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using InferenceServer.Client;
using InferenceServer.Client.Errors;
using InferenceServer.Client.Grpc;
using InferenceServer.Client.Http;

namespace InferenceServer.FunctionalTests.Client;

/// <summary>
/// What the client retries, counted at the transport: a call whose connection was refused (nothing was sent) is tried
/// <c>1 + ConnectRetries</c> times and then surfaces as a connection failure; a failure after the request may have left
/// (a response that ended early, an UNAVAILABLE the server itself answered) is tried exactly once.
/// </summary>
public sealed class ClientRetryTests
{
    private static readonly InferenceClientOptions TwoRetries = new() { ConnectRetries = 2, ConnectRetryDelay = TimeSpan.FromMilliseconds(1), Timeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task Http_ConnectionRefused_IsRetriedThenTyped()
    {
        var counter = new CountingHandler(new SocketsHttpHandler());
        using var http = new HttpClient(counter) { BaseAddress = new Uri($"http://127.0.0.1:{ClosedPort()}/") };
        using var client = new HttpInferenceClient(http, TwoRetries);

        var error = await Assert.ThrowsAsync<InferenceServerException>(() => client.InferAsync(ClientCallTests.SimpleRequest()));

        Assert.True(error.IsConnectionFailure);
        Assert.Equal(3, counter.Sends);
    }

    [Fact]
    public async Task Http_ResponseEndedAfterSending_IsNotRetried()
    {
        var counter = new CountingHandler(new ThrowingHandler(new HttpRequestException(HttpRequestError.ResponseEnded, "the response ended prematurely")));
        using var http = new HttpClient(counter) { BaseAddress = new Uri("http://127.0.0.1:1/") };
        using var client = new HttpInferenceClient(http, TwoRetries);

        var error = await Assert.ThrowsAsync<InferenceServerException>(() => client.InferAsync(ClientCallTests.SimpleRequest()));

        Assert.False(error.IsConnectionFailure);
        Assert.Equal(1, counter.Sends);
    }

    [Fact]
    public async Task Grpc_ConnectionRefused_IsRetriedThenTyped()
    {
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{ClosedPort()}");
        var counter = new CountingInterceptor();
        using var client = new GrpcInferenceClient(channel.Intercept(counter), TwoRetries);

        var error = await Assert.ThrowsAsync<InferenceServerException>(() => client.InferAsync(ClientCallTests.SimpleRequest()));

        Assert.True(error.IsConnectionFailure, error.ToString());
        Assert.Equal(StatusCode.Unavailable, error.GrpcStatus);
        Assert.Equal(3, counter.Calls);
        Assert.Equal(3 + 0, counter.Calls);
        await Assert.ThrowsAsync<InferenceServerException>(() => client.IsServerLiveAsync());
        Assert.Equal(6, counter.Calls);
    }

    [Fact]
    public async Task Grpc_UnavailableFromTheServer_IsNotRetried()
    {
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{ClosedPort()}");
        var counter = new CountingInterceptor(new RpcException(new Status(StatusCode.Unavailable, "the server is shutting down")));
        using var client = new GrpcInferenceClient(channel.Intercept(counter), TwoRetries);

        var error = await Assert.ThrowsAsync<InferenceServerException>(() => client.InferAsync(ClientCallTests.SimpleRequest()));

        Assert.False(error.IsConnectionFailure);
        Assert.Equal("the server is shutting down", error.ServerMessage);
        Assert.Equal(1, counter.Calls);
    }

    [Fact]
    public async Task NoRetries_MeansOneTry()
    {
        var counter = new CountingHandler(new SocketsHttpHandler());
        using var http = new HttpClient(counter) { BaseAddress = new Uri($"http://127.0.0.1:{ClosedPort()}/") };
        using var client = new HttpInferenceClient(http, new InferenceClientOptions { ConnectRetries = 0 });

        Assert.True((await Assert.ThrowsAsync<InferenceServerException>(() => client.GetServerMetadataAsync())).IsConnectionFailure);
        Assert.Equal(1, counter.Sends);
    }

    /// <summary>A loopback port with nothing listening: bound, then released.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private sealed class CountingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        private int _sends;

        public int Sends => _sends;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _sends);
            return base.SendAsync(request, cancellationToken);
        }
    }

    private sealed class ThrowingHandler(Exception exception) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => Task.FromException<HttpResponseMessage>(exception);
    }

    /// <summary>Counts calls; answers each with <paramref name="answer"/> instead of calling on when given.</summary>
    private sealed class CountingInterceptor(RpcException? answer = null) : Interceptor
    {
        private int _calls;

        public int Calls => _calls;

        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
        {
            Interlocked.Increment(ref _calls);
            if (answer is null)
            {
                return continuation(request, context);
            }

            return new AsyncUnaryCall<TResponse>(Task.FromException<TResponse>(answer), Task.FromResult(new Metadata()), () => answer.Status, () => [], () => { });
        }
    }
}
