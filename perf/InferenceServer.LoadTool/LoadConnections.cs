using Grpc.Core;
using Grpc.Net.Client;
using InferenceServer.LoadTool.Data;
using InferenceServer.LoadTool.Options;
using InferenceServer.LoadTool.Requests;
using InferenceServer.LoadTool.Server;

namespace InferenceServer.LoadTool;

/// <summary>
/// The connections of a run, sized for its largest step: for HTTP one handler with a connection per
/// outstanding request; for gRPC up to 16 channels, each its own HTTP/2 connection. Control calls
/// (metadata, statistics) go over the same protocol as the load.
/// </summary>
internal sealed class LoadConnections : IDisposable
{
    private const int MaxGrpcChannels = 16;

    private readonly LoadOptions _options;
    private readonly Uri _server;
    private readonly HttpClient? _http;
    private readonly HttpMessageInvoker? _loadHttp;
    private readonly SocketsHttpHandler? _httpHandler;
    private readonly GrpcChannel[] _channels = [];

    public LoadConnections(LoadOptions options)
    {
        _options = options;
        _server = options.ServerUri();
        var slots = options.RequestRateRange is not null
            ? options.MaxInFlight
            : (int)(options.ConcurrencyRange?.Values().Max() ?? 1);
        if (options.Protocol == Protocol.Http)
        {
            _httpHandler = HttpInferSender.CreateHandler(slots + 1);
            _http = new HttpClient(_httpHandler, disposeHandler: false) { BaseAddress = _server, Timeout = options.RequestTimeout };

            // Inference requests time out per request (the body is read after the headers). A bare invoker, not an
            // HttpClient: HttpClient would link a second cancellation source into every request for its own timeout.
            _loadHttp = new HttpMessageInvoker(_httpHandler, disposeHandler: false);
            Server = new HttpServerClient(_http);
        }
        else
        {
            _channels = [.. Enumerable.Range(0, Math.Clamp(slots, 1, MaxGrpcChannels)).Select(_ => GrpcChannel.ForAddress(_server, new GrpcChannelOptions
            {
                HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true, UseProxy = false },
                MaxReceiveMessageSize = null,
                MaxSendMessageSize = null,
            }))];
            Server = new GrpcServerClient(_channels[0].CreateCallInvoker(), options.RequestTimeout);
        }
    }

    public IServerClient Server { get; }

    public IRequestSender CreateSender(IReadOnlyList<IReadOnlyList<InputTensor>> inputSets)
    {
        if (_loadHttp is not null)
        {
            var bodies = inputSets.Select(set => _options.Encoding == TensorEncoding.Binary ? HttpRequestBodies.Binary(set) : HttpRequestBodies.Json(set)).ToArray();
            return new HttpInferSender(_loadHttp, _server, _options.Model, _options.ModelVersion, bodies, _options.RequestTimeout);
        }

        var requests = inputSets.Select(set => GrpcInferRequests.Serialize(_options.Model, _options.ModelVersion, set)).ToArray();
        return new GrpcInferSender([.. _channels.Select(c => (CallInvoker)c.CreateCallInvoker())], requests, _options.RequestTimeout);
    }

    public void Dispose()
    {
        _http?.Dispose();
        _loadHttp?.Dispose();
        _httpHandler?.Dispose();
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }
    }
}
