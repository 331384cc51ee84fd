using System.Globalization;
using System.IO.Pipelines;
using InferenceServer.Protocols.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace InferenceServer.Benchmarks.Infrastructure;

/// <summary>
/// One keep-alive HTTP/1.1 connection that sends the same request again and again, in memory. Like
/// Kestrel's <c>HttpProtocol</c>, one object implements the request's features and is reset per request,
/// and one <see cref="DefaultHttpContext"/> over them is reused; the request headers are those Kestrel
/// would have parsed (Content-Length, and Inference-Header-Content-Length for a binary body). What the
/// handler allocates is then what it allocates behind Kestrel, without Kestrel's own costs.
/// </summary>
internal sealed class InProcessHttpConnection :
    IHttpRequestFeature, IHttpResponseFeature, IHttpResponseBodyFeature, IHttpRequestLifetimeFeature
{
    private readonly InProcessHeaders _requestHeaders = new();
    private readonly InProcessHeaders _responseHeaders = new();
    private readonly RequestBodyStream _body;
    private readonly BufferPipeWriter _responseBody = new();
    private readonly DefaultHttpContext _context;
    private Stream? _responseStream;

    /// <param name="headerLength">Inference-Header-Content-Length, or -1 to send none (a JSON body).</param>
    public InProcessHttpConnection(string path, ReadOnlyMemory<byte> body, int headerLength)
    {
        Path = path;
        RawTarget = path;
        _body = new RequestBodyStream(body);
        _requestHeaders.ContentLength = body.Length;
        if (headerLength >= 0)
        {
            _requestHeaders[InferResponseWriter.HeaderLengthName] = headerLength.ToString(CultureInfo.InvariantCulture);
        }

        var features = new FeatureCollection();
        features.Set<IHttpRequestFeature>(this);
        features.Set<IHttpResponseFeature>(this);
        features.Set<IHttpResponseBodyFeature>(this);
        features.Set<IHttpRequestLifetimeFeature>(this);
        _context = new DefaultHttpContext(features);
    }

    public HttpContext Context => _context;

    /// <summary>The response body written since the last <see cref="NextRequest"/>.</summary>
    public ReadOnlyMemory<byte> ResponseBody => _responseBody.Written;

    public IHeaderDictionary ResponseHeaders => _responseHeaders;

    /// <summary>Starts the next request on the connection: the body replays and the response is empty.</summary>
    public void NextRequest()
    {
        _body.Rewind();
        StatusCode = 200;
        ReasonPhrase = null;
        HasStarted = false;
        _responseHeaders.Clear();
        _responseBody.Reset();
    }

    // IHttpRequestFeature
    public string Protocol { get; set; } = "HTTP/1.1";

    public string Scheme { get; set; } = "http";

    public string Method { get; set; } = HttpMethods.Post;

    public string PathBase { get; set; } = "";

    public string Path { get; set; }

    public string QueryString { get; set; } = "";

    public string RawTarget { get; set; }

    IHeaderDictionary IHttpRequestFeature.Headers
    {
        get => _requestHeaders;
        set => throw new NotSupportedException();
    }

    Stream IHttpRequestFeature.Body
    {
        get => _body;
        set => throw new NotSupportedException();
    }

    // IHttpResponseFeature
    public int StatusCode { get; set; } = 200;

    public string? ReasonPhrase { get; set; }

    IHeaderDictionary IHttpResponseFeature.Headers
    {
        get => _responseHeaders;
        set => throw new NotSupportedException();
    }

    [Obsolete("Use IHttpResponseBodyFeature.Stream.")]
    Stream IHttpResponseFeature.Body
    {
        get => ResponseStream;
        set => throw new NotSupportedException();
    }

    public bool HasStarted { get; private set; }

    public void OnStarting(Func<object, Task> callback, object state)
    {
    }

    public void OnCompleted(Func<object, Task> callback, object state)
    {
    }

    // IHttpResponseBodyFeature
    Stream IHttpResponseBodyFeature.Stream => ResponseStream;

    public PipeWriter Writer => _responseBody;

    private Stream ResponseStream => _responseStream ??= _responseBody.AsStream(leaveOpen: true);

    public void DisableBuffering()
    {
    }

    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        HasStarted = true;
        return Task.CompletedTask;
    }

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public Task CompleteAsync() => Task.CompletedTask;

    // IHttpRequestLifetimeFeature
    public CancellationToken RequestAborted { get; set; }

    public void Abort()
    {
    }
}
