using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using InferenceServer.Client.Errors;
using InferenceServer.Client.Models;
using InferenceServer.Client.Transport;

namespace InferenceServer.Client.Http;

/// <summary>
/// The KServe v2 HTTP/REST protocol: JSON control calls and inference with the binary tensor extension (or JSON
/// tensors, <see cref="InferenceClientOptions.HttpEncoding"/>), optionally gzip'd both ways. Works over an
/// <see cref="HttpClient"/> from <c>IHttpClientFactory</c> (whose <see cref="HttpClient.BaseAddress"/> is the server),
/// a bare <see cref="HttpMessageInvoker"/>, or a connection pool of its own.
/// </summary>
public sealed class HttpInferenceClient : InferenceClient
{
    private const string RoutingKeyHeader = "x-routing-key";

    private readonly HttpMessageInvoker _invoker;
    private readonly HttpClient? _client;
    private readonly Uri _server;
    private readonly bool _ownsInvoker;
    private readonly AuthenticationHeaderValue? _inferenceToken;
    private readonly AuthenticationHeaderValue? _controlToken;
    private readonly ConcurrentDictionary<(string Model, string Version), Uri> _inferUris = new();

    /// <summary>A client over <paramref name="httpClient"/>, whose <see cref="HttpClient.BaseAddress"/> is the server (<c>http://host:8000/</c>).</summary>
    public HttpInferenceClient(HttpClient httpClient, InferenceClientOptions? options = null)
        : this(httpClient, (httpClient ?? throw new ArgumentNullException(nameof(httpClient))).BaseAddress
            ?? throw new ArgumentException("the HttpClient has no BaseAddress; set it to the server's address", nameof(httpClient)), options)
    {
    }

    /// <summary>
    /// A client that sends through <paramref name="invoker"/> (an <see cref="HttpClient"/>, or a bare handler's invoker that
    /// adds no per-request timeout of its own) to the server at <paramref name="server"/>.
    /// </summary>
    public HttpInferenceClient(HttpMessageInvoker invoker, Uri server, InferenceClientOptions? options = null)
        : this(invoker, server, options, ownsInvoker: false)
    {
    }

    /// <summary>A client with a connection pool of its own (disposed with the client) to the server at <paramref name="server"/>.</summary>
    public HttpInferenceClient(Uri server, InferenceClientOptions? options = null)
        : this(new HttpMessageInvoker(CreateHandler(), disposeHandler: true), server, options, ownsInvoker: true)
    {
    }

    private HttpInferenceClient(HttpMessageInvoker invoker, Uri server, InferenceClientOptions? options, bool ownsInvoker)
        : base(options)
    {
        ArgumentNullException.ThrowIfNull(invoker);
        ArgumentNullException.ThrowIfNull(server);
        _invoker = invoker;
        _client = invoker as HttpClient;
        _server = server.AbsoluteUri.EndsWith('/') ? server : new Uri(server.AbsoluteUri + "/");
        _ownsInvoker = ownsInvoker;
        _inferenceToken = Options.InferenceToken is { } inference ? new AuthenticationHeaderValue("Bearer", inference) : null;
        _controlToken = Options.ControlToken is { } control ? new AuthenticationHeaderValue("Bearer", control) : null;
    }

    /// <inheritdoc />
    public override string Protocol => "http";

    /// <summary>
    /// A handler suited to inference: no proxy, no cookies, no automatic decompression (the client decompresses what
    /// it asked to be compressed), and up to <paramref name="maxConnections"/> connections.
    /// </summary>
    public static SocketsHttpHandler CreateHandler(int maxConnections = int.MaxValue) => new()
    {
        MaxConnectionsPerServer = Math.Max(1, maxConnections),
        UseProxy = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
    };

    /// <inheritdoc />
    public override Task<bool> IsServerLiveAsync(CancellationToken cancellationToken = default) => StatusAsync("v2/health/live", cancellationToken);

    /// <inheritdoc />
    public override Task<bool> IsServerReadyAsync(CancellationToken cancellationToken = default) => StatusAsync("v2/health/ready", cancellationToken);

    /// <inheritdoc />
    public override async Task<ServerMetadata> GetServerMetadataAsync(CancellationToken cancellationToken = default)
    {
        var json = await GetJsonAsync("v2", HttpJsonContext.Default.ServerMetadataJson, cancellationToken).ConfigureAwait(false);
        return new ServerMetadata(json.Name, json.Version, json.Extensions);
    }

    /// <inheritdoc />
    public override Task<bool> IsModelReadyAsync(string model, string version = "", CancellationToken cancellationToken = default) =>
        StatusAsync(ModelPath(model, version, "/ready"), cancellationToken);

    /// <inheritdoc />
    public override async Task<ModelMetadata> GetModelMetadataAsync(string model, string version = "", CancellationToken cancellationToken = default)
    {
        var json = await GetJsonAsync(ModelPath(model, version, ""), HttpJsonContext.Default.ModelMetadataJson, cancellationToken).ConfigureAwait(false);
        return new ModelMetadata(json.Name, json.Versions, json.Platform, Tensors(json.Inputs), Tensors(json.Outputs));
    }

    /// <inheritdoc />
    public override async Task<ModelConfiguration> GetModelConfigAsync(string model, string version = "", CancellationToken cancellationToken = default)
    {
        var text = await SendForTextAsync(HttpMethod.Get, ModelPath(model, version, "/config"), null, control: false, cancellationToken).ConfigureAwait(false);
        var json = JsonSerializer.Deserialize(text, HttpJsonContext.Default.ModelConfigJson) ?? new ModelConfigJson();
        return new ModelConfiguration(json.Name, json.Platform, json.Backend, json.MaxBatchSize, ConfigTensors(json.Input), ConfigTensors(json.Output), text);
    }

    /// <inheritdoc />
    public override async Task<IReadOnlyList<ModelStatistics>> GetModelStatisticsAsync(string model = "", string version = "", CancellationToken cancellationToken = default)
    {
        var path = model.Length == 0 ? "v2/models/stats" : ModelPath(model, version, "/stats");
        var json = await GetJsonAsync(path, HttpJsonContext.Default.StatisticsJson, cancellationToken).ConfigureAwait(false);
        var result = new List<ModelStatistics>(json.ModelStats.Count);
        foreach (var stats in json.ModelStats)
        {
            var inference = stats.InferenceStats;
            result.Add(new ModelStatistics(
                stats.Name, stats.Version, stats.LastInference, stats.InferenceCount, stats.ExecutionCount,
                Duration(inference.Success), Duration(inference.Fail), Duration(inference.Queue), Duration(inference.ComputeInput),
                Duration(inference.ComputeInfer), Duration(inference.ComputeOutput), Duration(inference.CacheHit), Duration(inference.CacheMiss)));
        }

        return result;
    }

    /// <inheritdoc />
    public override async Task<IReadOnlyList<RepositoryModel>> GetRepositoryIndexAsync(bool readyOnly = false, CancellationToken cancellationToken = default)
    {
        var body = JsonSerializer.Serialize(new RepositoryIndexRequestJson { Ready = readyOnly }, HttpJsonContext.Default.RepositoryIndexRequestJson);
        var text = await SendForTextAsync(HttpMethod.Post, "v2/repository/index", body, control: false, cancellationToken).ConfigureAwait(false);
        var rows = JsonSerializer.Deserialize(text, HttpJsonContext.Default.ListRepositoryModelJson) ?? [];
        var result = new List<RepositoryModel>(rows.Count);
        foreach (var row in rows)
        {
            result.Add(new RepositoryModel(row.Name, row.Version, row.State, row.Reason));
        }

        return result;
    }

    /// <inheritdoc />
    public override Task LoadModelAsync(string model, string? configJson = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(model);
        string? body = null;
        if (configJson is not null)
        {
            var buffer = new ArrayBufferWriter<byte>(configJson.Length + 64);
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                writer.WriteStartObject("parameters"u8);
                writer.WriteString("config"u8, configJson);
                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            body = Encoding.UTF8.GetString(buffer.WrittenSpan);
        }

        return SendForTextAsync(HttpMethod.Post, $"v2/repository/models/{Uri.EscapeDataString(model)}/load", body, control: true, cancellationToken);
    }

    /// <inheritdoc />
    public override Task UnloadModelAsync(string model, bool unloadDependents = false, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(model);
        var body = unloadDependents ? """{"parameters":{"unload_dependents":true}}""" : null;
        return SendForTextAsync(HttpMethod.Post, $"v2/repository/models/{Uri.EscapeDataString(model)}/unload", body, control: true, cancellationToken);
    }

    /// <inheritdoc />
    public override Task<string> GetTrafficPolicyAsync(string model, CancellationToken cancellationToken = default) =>
        SendForTextAsync(HttpMethod.Get, ModelPath(model, "", "/traffic"), null, control: false, cancellationToken);

    /// <inheritdoc />
    public override Task<string> SetTrafficPolicyAsync(string model, string policyJson, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policyJson);
        return SendForTextAsync(HttpMethod.Put, ModelPath(model, "", "/traffic"), policyJson, control: true, cancellationToken);
    }

    /// <inheritdoc />
    public override Task<string> GetModelDriftAsync(string model, CancellationToken cancellationToken = default) =>
        SendForTextAsync(HttpMethod.Get, ModelPath(model, "", "/drift"), null, control: false, cancellationToken);

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing && _ownsInvoker)
        {
            _invoker.Dispose();
        }

        base.Dispose(disposing);
    }

    private protected override async Task<InferResult> InferCoreAsync(InferRequest request, CancellationToken cancellationToken)
    {
        var uri = _inferUris.GetOrAdd((request.ModelName, request.ModelVersion), static (key, server) => new Uri(server, ModelPath(key.Model, key.Version, "/infer")), _server);
        using var deadline = Deadline(cancellationToken);
        var token = deadline?.Token ?? cancellationToken;
        for (var retry = 0; ; retry++)
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, uri)
            {
                Content = new InferRequestBody(request, Options.HttpEncoding == HttpTensorEncoding.Binary, Options.CompressRequests),
            };
            if (request.RoutingKey is { } routingKey)
            {
                message.Headers.TryAddWithoutValidation(RoutingKeyHeader, routingKey);
            }

            try
            {
                using var response = await SendAsync(message, control: false, token).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    throw await ErrorAsync(message, response, token).ConfigureAwait(false);
                }

                return await ReadInferResponseAsync(response, token).ConfigureAwait(false);
            }
            catch (Exception e) when (ShouldRetry(e, retry, cancellationToken))
            {
                await Task.Delay(ConnectRetry.Delay(Options, retry), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (Translate(e, deadline, cancellationToken) is { } translated)
            {
                throw translated;
            }
        }
    }

    private async Task<InferResult> ReadInferResponseAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var headerLength = response.Headers.TryGetValues(InferRequestBody.HeaderLengthName, out var values)
            && int.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : -1;
        var content = response.Content;
        var compressed = content.Headers.ContentEncoding.Count > 0;
        var buffer = ArrayPool<byte>.Shared.Rent(compressed ? 16 * 1024 : (int)Math.Clamp(content.Headers.ContentLength ?? 16 * 1024, 1, Array.MaxLength));
        var length = 0;
        try
        {
            var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                var source = compressed ? Decompressor(stream, content.Headers.ContentEncoding) : stream;
                await using (source.ConfigureAwait(false))
                {
                    while (true)
                    {
                        if (length == buffer.Length)
                        {
                            var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                            buffer.AsSpan(0, length).CopyTo(larger);
                            ArrayPool<byte>.Shared.Return(buffer);
                            buffer = larger;
                        }

                        var read = await source.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                        if (read == 0)
                        {
                            break;
                        }

                        length += read;
                    }
                }
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }

        return InferResponseReader.Read(buffer, length, headerLength < 0 ? length : headerLength);
    }

    private static Stream Decompressor(Stream stream, ICollection<string> encodings)
    {
        var encoding = encodings.First();
        return encoding switch
        {
            "gzip" => new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true),
            "deflate" => new ZLibStream(stream, CompressionMode.Decompress, leaveOpen: true),
            _ => throw new InvalidDataException($"the server answered Content-Encoding '{encoding}', which the client did not ask for"),
        };
    }

    private async Task<bool> StatusAsync(string path, CancellationToken cancellationToken)
    {
        using var deadline = Deadline(cancellationToken);
        var token = deadline?.Token ?? cancellationToken;
        for (var retry = 0; ; retry++)
        {
            using var message = new HttpRequestMessage(HttpMethod.Get, new Uri(_server, path));
            try
            {
                using var response = await SendAsync(message, control: false, token).ConfigureAwait(false);
                return response.IsSuccessStatusCode;
            }
            catch (Exception e) when (ShouldRetry(e, retry, cancellationToken))
            {
                await Task.Delay(ConnectRetry.Delay(Options, retry), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (Translate(e, deadline, cancellationToken) is { } translated)
            {
                throw translated;
            }
        }
    }

    private async Task<T> GetJsonAsync<T>(string path, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        var text = await SendForTextAsync(HttpMethod.Get, path, null, control: false, cancellationToken).ConfigureAwait(false);
        return JsonSerializer.Deserialize(text, type) ?? throw new InvalidDataException($"GET /{path} answered an empty body");
    }

    /// <summary>One control or metadata call: the answer's body as text, or the server's refusal as an exception.</summary>
    private async Task<string> SendForTextAsync(HttpMethod method, string path, string? body, bool control, CancellationToken cancellationToken)
    {
        using var deadline = Deadline(cancellationToken);
        var token = deadline?.Token ?? cancellationToken;
        for (var retry = 0; ; retry++)
        {
            using var message = new HttpRequestMessage(method, new Uri(_server, path));
            if (body is not null)
            {
                message.Content = new StringContent(body, Encoding.UTF8, "application/json");
            }

            try
            {
                using var response = await SendAsync(message, control, token).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    throw await ErrorAsync(message, response, token).ConfigureAwait(false);
                }

                return await response.Content.ReadAsStringAsync(token).ConfigureAwait(false);
            }
            catch (Exception e) when (ShouldRetry(e, retry, cancellationToken))
            {
                await Task.Delay(ConnectRetry.Delay(Options, retry), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (Translate(e, deadline, cancellationToken) is { } translated)
            {
                throw translated;
            }
        }
    }

    private Task<HttpResponseMessage> SendAsync(HttpRequestMessage message, bool control, CancellationToken cancellationToken)
    {
        if ((control ? _controlToken : _inferenceToken) is { } token)
        {
            message.Headers.Authorization = token;
        }

        if (Options.AcceptCompressedResponses)
        {
            message.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip");
        }

        // HttpClient would buffer the whole body first unless told to stop at the headers; the client reads it itself.
        return _client is not null
            ? _client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken)
            : _invoker.SendAsync(message, cancellationToken);
    }

    private CancellationTokenSource? Deadline(CancellationToken cancellationToken)
    {
        if (Options.Timeout is not { } timeout)
        {
            return null;
        }

        var source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        source.CancelAfter(timeout);
        return source;
    }

    private bool ShouldRetry(Exception exception, int retry, CancellationToken cancellationToken) =>
        retry < Options.ConnectRetries && !cancellationToken.IsCancellationRequested && ConnectRetry.NothingWasSent(exception);

    /// <summary>The exception a transport failure surfaces as; null to let it through as it is (a caller's cancellation, a server error already typed).</summary>
    private InferenceServerException? Translate(Exception exception, CancellationTokenSource? deadline, CancellationToken cancellationToken)
    {
        switch (exception)
        {
            case InferenceServerException:
                return null;
            case OperationCanceledException when cancellationToken.IsCancellationRequested:
                return null;
            case OperationCanceledException when deadline?.IsCancellationRequested == true:
                return new InferenceServerException($"the call did not complete within its {Options.Timeout!.Value.TotalMilliseconds:0} ms deadline", "deadline exceeded", null, null, deadlineExceeded: true, connectionFailure: false, exception);
            case OperationCanceledException when exception.InnerException is TimeoutException:
                // HttpClient.Timeout passed.
                return new InferenceServerException($"the call did not complete within the HttpClient's timeout", "deadline exceeded", null, null, deadlineExceeded: true, connectionFailure: false, exception);
            case HttpRequestException http:
                var noConnection = ConnectRetry.NothingWasSent(http);
                return new InferenceServerException(
                    noConnection ? $"could not connect to {_server}: {http.Message}" : $"the HTTP exchange with {_server} failed: {http.Message}",
                    http.Message, null, null, deadlineExceeded: false, connectionFailure: noConnection, http);
            default:
                return null;
        }
    }

    private static async Task<InferenceServerException> ErrorAsync(HttpRequestMessage request, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var serverMessage = text;
        try
        {
            if (JsonSerializer.Deserialize(text, HttpJsonContext.Default.ErrorJson)?.Error is { } error)
            {
                serverMessage = error;
            }
        }
        catch (JsonException)
        {
            // Not the protocol's {"error": ...}: the body as it is says the most.
        }

        return new InferenceServerException(
            $"{request.Method} {request.RequestUri?.AbsolutePath} answered {(int)response.StatusCode} {response.StatusCode}: {serverMessage}",
            serverMessage, response.StatusCode, null, deadlineExceeded: false, connectionFailure: false, null);
    }

    /// <summary><c>v2/models/{m}[/versions/{v}]{suffix}</c>, relative to the server's address.</summary>
    internal static string ModelPath(string model, string version, string suffix)
    {
        ArgumentException.ThrowIfNullOrEmpty(model);
        return version.Length > 0
            ? $"v2/models/{Uri.EscapeDataString(model)}/versions/{Uri.EscapeDataString(version)}{suffix}"
            : $"v2/models/{Uri.EscapeDataString(model)}{suffix}";
    }

    private static List<TensorMetadata> Tensors(List<TensorMetadataJson> tensors)
    {
        var result = new List<TensorMetadata>(tensors.Count);
        foreach (var tensor in tensors)
        {
            result.Add(new TensorMetadata(tensor.Name, tensor.Datatype, tensor.Shape));
        }

        return result;
    }

    private static List<TensorMetadata> ConfigTensors(List<ConfigTensorJson> tensors)
    {
        var result = new List<TensorMetadata>(tensors.Count);
        foreach (var tensor in tensors)
        {
            result.Add(new TensorMetadata(tensor.Name, ConfigDataTypes.ToProtocol(tensor.DataType), tensor.Dims));
        }

        return result;
    }

    private static DurationStatistic Duration(DurationJson json) => new(json.Count, json.Ns);
}
