using Grpc.Net.Client;
using InferenceServer.Client;
using InferenceServer.Client.Grpc;
using InferenceServer.Client.Http;
using InferenceServer.LoadTool.Data;
using InferenceServer.LoadTool.Options;
using InferenceServer.LoadTool.Requests;
using InferenceServer.LoadTool.Server;

namespace InferenceServer.LoadTool;

/// <summary>
/// The connections of a run, sized for its largest step, and the client library's clients over them: for HTTP one
/// handler with a connection per outstanding request; for gRPC up to 16 channels, each its own HTTP/2 connection.
/// Control calls (metadata, statistics) go over the same protocol as the load. The clients never retry: a refused
/// connection is a failed request, counted as such.
/// </summary>
internal sealed class LoadConnections : IDisposable
{
    private const int MaxGrpcChannels = 16;

    private readonly LoadOptions _options;
    private readonly HttpMessageInvoker? _http;
    private readonly GrpcChannel[] _channels = [];
    private readonly InferenceClient[] _clients;

    public LoadConnections(LoadOptions options)
    {
        _options = options;
        var server = options.ServerUri();
        var slots = options.RequestRateRange is not null
            ? options.MaxInFlight
            : (int)(options.ConcurrencyRange?.Values().Max() ?? 1);
        var clientOptions = new InferenceClientOptions
        {
            Timeout = options.RequestTimeout,
            ConnectRetries = 0,
            HttpEncoding = options.Encoding == TensorEncoding.Binary ? HttpTensorEncoding.Binary : HttpTensorEncoding.Json,
        };
        if (options.Protocol == Protocol.Http)
        {
            // A bare invoker, not an HttpClient: HttpClient would link a second cancellation source into every request
            // for its own timeout, and the client library already bounds each call (request and response body).
            _http = new HttpMessageInvoker(HttpInferenceClient.CreateHandler(slots + 1), disposeHandler: true);
            _clients = [new HttpInferenceClient(_http, server, clientOptions)];
        }
        else
        {
            _channels = [.. Enumerable.Range(0, Math.Clamp(slots, 1, MaxGrpcChannels)).Select(_ => GrpcInferenceClient.CreateChannel(server))];
            _clients = [.. _channels.Select(channel => new GrpcInferenceClient(channel, clientOptions))];
        }

        Server = new ClientServerInfo(_clients[0]);
    }

    public IServerClient Server { get; }

    public IRequestSender CreateSender(IReadOnlyList<IReadOnlyList<InputTensor>> inputSets) =>
        new ClientInferSender(_clients, [.. inputSets.Select(set => LoadRequests.Build(_options.Model, _options.ModelVersion, set))]);

    public void Dispose()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        _http?.Dispose();
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }
    }
}
