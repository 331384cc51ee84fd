using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using InferenceServer.LoadTool.Server;

namespace InferenceServer.LoadTool.Requests;

/// <summary>
/// POSTs prebuilt bodies to <c>/v2/models/{m}[/versions/{v}]/infer</c>, cycling through them, and reads each
/// response to its end (so the connection is free again and the response was really received). Per request
/// it allocates only the request and response messages and the timeout's cancellation source; the body bytes
/// are shared.
/// </summary>
internal sealed class HttpInferSender : IRequestSender
{
    private const string HeaderLengthName = "Inference-Header-Content-Length";
    private static readonly ConcurrentDictionary<int, string> StatusErrors = new();

    private readonly HttpMessageInvoker _invoker;
    private readonly Uri _inferUri;
    private readonly HttpRequestBody[] _bodies;
    private readonly TimeSpan _timeout;
    private int _next = -1;

    public HttpInferSender(HttpMessageInvoker client, Uri server, string model, string version, IReadOnlyList<HttpRequestBody> bodies, TimeSpan timeout)
    {
        _invoker = client;
        _inferUri = new Uri(server, HttpServerClient.ModelPath(model, version, "/infer"));
        _bodies = [.. bodies];
        _timeout = timeout;
    }

    public async ValueTask<RequestOutcome> SendAsync(CancellationToken cancellationToken)
    {
        var body = _bodies[(int)((uint)Interlocked.Increment(ref _next) % (uint)_bodies.Length)];
        using var content = new ByteArrayContent(body.Bytes);
        content.Headers.TryAddWithoutValidation("Content-Type", body.ContentType);
        if (body.HeaderLengthText is { } headerLength)
        {
            content.Headers.TryAddWithoutValidation(HeaderLengthName, headerLength);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, _inferUri) { Content = content };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            using var response = await _invoker.SendAsync(request, timeout.Token).ConfigureAwait(false);
            await DrainAsync(response.Content, timeout.Token).ConfigureAwait(false);
            return response.IsSuccessStatusCode
                ? RequestOutcome.Success
                : RequestOutcome.Failed(StatusErrors.GetOrAdd((int)response.StatusCode, static code => string.Create(CultureInfo.InvariantCulture, $"HTTP {code}")));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return RequestOutcome.Failed("timeout");
        }
        catch (HttpRequestException e)
        {
            return RequestOutcome.Failed($"HTTP transport {e.HttpRequestError}");
        }
    }

    /// <summary>Reads the body to its end into pooled scratch.</summary>
    private static async Task DrainAsync(HttpContent content, CancellationToken cancellationToken)
    {
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
            try
            {
                while (await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false) > 0)
                {
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>A handler sized for the load: a connection per outstanding request, no proxy, no decompression.</summary>
    public static SocketsHttpHandler CreateHandler(int connections) => new()
    {
        MaxConnectionsPerServer = Math.Max(1, connections),
        UseProxy = false,
        AutomaticDecompression = System.Net.DecompressionMethods.None,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        UseCookies = false,
    };
}
