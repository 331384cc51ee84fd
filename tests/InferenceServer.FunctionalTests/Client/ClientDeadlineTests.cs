using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Net.Client;
using InferenceServer.Client;
using InferenceServer.Client.Errors;
using InferenceServer.Client.Grpc;
using InferenceServer.Client.Http;

namespace InferenceServer.FunctionalTests.Client;

/// <summary>
/// <see cref="InferenceClientOptions.Timeout"/> against a peer that accepts the connection and never answers: the call
/// ends at its deadline as an <see cref="InferenceServerException"/> with <c>IsDeadlineExceeded</c>, over both
/// protocols, and is not retried (the request was sent).
/// </summary>
public sealed class ClientDeadlineTests
{
    private static readonly InferenceClientOptions ShortDeadline = new() { Timeout = TimeSpan.FromMilliseconds(300), ConnectRetries = 2 };

    [Fact]
    public async Task Http_SilentPeer_DeadlineExceeded()
    {
        using var peer = new SilentPeer();
        using var client = new HttpInferenceClient(new Uri($"http://127.0.0.1:{peer.Port}/"), ShortDeadline);

        var error = await Assert.ThrowsAsync<InferenceServerException>(() => client.InferAsync(ClientCallTests.SimpleRequest())).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(error.IsDeadlineExceeded, error.ToString());
        Assert.False(error.IsConnectionFailure);
    }

    [Fact]
    public async Task Grpc_SilentPeer_DeadlineExceeded()
    {
        using var peer = new SilentPeer();
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{peer.Port}");
        using var client = new GrpcInferenceClient(channel, ShortDeadline);

        var error = await Assert.ThrowsAsync<InferenceServerException>(() => client.InferAsync(ClientCallTests.SimpleRequest())).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(error.IsDeadlineExceeded, error.ToString());
        Assert.Equal(StatusCode.DeadlineExceeded, error.GrpcStatus);
    }

    [Fact]
    public async Task Http_CompressedBothWays_RoundTrips()
    {
        await using var server = await Infrastructure.TestServer.StartAsync(Infrastructure.TestRepositories.WriteSimple);
        using var client = ClientProtocols.Create(server, ClientProtocols.Http, options =>
        {
            options.CompressRequests = true;
            options.AcceptCompressedResponses = true;
        });

        using var result = await client.InferAsync(ClientCallTests.SimpleRequest(add: 4));

        Assert.Equal(4, result.GetOutput<int>("OUTPUT0")[0]);
        Assert.Equal(19, result.GetOutput<int>("OUTPUT0")[15]);
    }

    /// <summary>A loopback listener that accepts connections and never reads or writes.</summary>
    private sealed class SilentPeer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly List<Socket> _accepted = [];
        private readonly CancellationTokenSource _stop = new();

        public SilentPeer()
        {
            _listener.Start();
            Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
            _ = AcceptAsync();
        }

        public int Port { get; }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            lock (_accepted)
            {
                foreach (var socket in _accepted)
                {
                    socket.Dispose();
                }
            }
        }

        private async Task AcceptAsync()
        {
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    var socket = await _listener.AcceptSocketAsync(_stop.Token);
                    lock (_accepted)
                    {
                        _accepted.Add(socket);
                    }
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // Stopped.
            }
        }
    }
}
