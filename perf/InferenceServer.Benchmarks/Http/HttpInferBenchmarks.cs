using System.Globalization;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using InferenceServer.Benchmarks.Infrastructure;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Models;
using InferenceServer.Protocols.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace InferenceServer.Benchmarks.Http;

/// <summary>
/// The HTTP inference path for Triton's <c>simple</c> (INT32 [1,16] ×2 → OUTPUT0, OUTPUT1) in process:
/// <c>KServeHttpHandler.HandleAsync</c> over an in-memory connection (<see cref="InProcessHttpConnection"/>)
/// does what it does behind Kestrel — routing, the body read into a pinned buffer, the parser, the request
/// pool, <c>ModelVersion.InferAsync</c> through the scheduler to the ONNX Runtime instance thread, and the
/// response writer — minus Kestrel itself. The parse-only and write-only benchmarks split the handler's
/// allocations by stage.
/// </summary>
/// <remarks>
/// The handler benchmarks serve <see cref="RequestsPerInvoke"/> requests one after another per invocation,
/// as a keep-alive connection does, so the harness's own await costs are spread thin; every number is per request.
/// </remarks>
[MemoryDiagnoser]
public class HttpInferBenchmarks
{
    private const int RequestsPerInvoke = 16;
    private const string InferPath = "/v2/models/simple/infer";

    private BenchmarkServer _server = null!;
    private ModelVersion _model = null!;
    private KServeHttpHandler _handler = null!;
    private InProcessHttpConnection _binary = null!;
    private InProcessHttpConnection _json = null!;
    private InferenceRequest _binaryAnswer = null!;
    private InferenceRequest _jsonAnswer = null!;

    [GlobalSetup]
    public void Setup()
    {
        _server = new BenchmarkServer(BenchmarkModels.Simple());
        _model = _server.Model("simple");
        _handler = new KServeHttpHandler(_server.Context, NullLogger<KServeHttpHandler>.Instance);
        _binary = new InProcessHttpConnection(InferPath, SimplePayloads.HttpBinaryBody, SimplePayloads.HttpBinaryHeader.Length);
        _json = new InProcessHttpConnection(InferPath, SimplePayloads.HttpJsonBody, headerLength: -1);

        // Every benchmark measures a request that succeeds: check each answer once before measuring.
        Serve(_binary).GetAwaiter().GetResult();
        VerifyBinaryResponse(_binary);
        Serve(_json).GetAwaiter().GetResult();
        VerifyJsonResponse(_json);

        _binaryAnswer = Answer(SimplePayloads.HttpBinaryBody, SimplePayloads.HttpBinaryHeader.Length);
        _jsonAnswer = Answer(SimplePayloads.HttpJsonBody, -1);
        WriteBinary().GetAwaiter().GetResult();
        VerifyBinaryResponse(_binary);
        WriteJson().GetAwaiter().GetResult();
        VerifyJsonResponse(_json);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _server.Context.Requests.Return(_binaryAnswer);
        _server.Context.Requests.Return(_jsonAnswer);
        _server.Dispose();
    }

    /// <summary>POST /v2/models/simple/infer, binary tensor extension both ways: the whole handler.</summary>
    [Benchmark(OperationsPerInvoke = RequestsPerInvoke)]
    public Task HandlerBinary() => Serve(_binary);

    /// <summary>POST /v2/models/simple/infer, JSON tensors both ways: the whole handler.</summary>
    [Benchmark(OperationsPerInvoke = RequestsPerInvoke)]
    public Task HandlerJson() => Serve(_json);

    /// <summary>Request rented, body copied into a pinned buffer (as the body reader does), parsed, request reset and returned.</summary>
    [Benchmark]
    public void ParseBinary() => Parse(SimplePayloads.HttpBinaryBody, SimplePayloads.HttpBinaryHeader.Length);

    /// <summary>As <see cref="ParseBinary"/>; the JSON data also goes into a pinned buffer per input.</summary>
    [Benchmark]
    public void ParseJson() => Parse(SimplePayloads.HttpJsonBody, -1);

    /// <summary>The response of an answered request written by <c>InferResponseWriter</c>: JSON header and two 64-byte blobs.</summary>
    [Benchmark]
    public Task WriteBinary()
    {
        _binary.NextRequest();
        return InferResponseWriter.WriteAsync(_binary.Context, _binaryAnswer);
    }

    /// <summary>The response of an answered request written as JSON, data arrays included.</summary>
    [Benchmark]
    public Task WriteJson()
    {
        _json.NextRequest();
        return InferResponseWriter.WriteAsync(_json.Context, _jsonAnswer);
    }

    private async Task Serve(InProcessHttpConnection connection)
    {
        for (var i = 0; i < RequestsPerInvoke; i++)
        {
            connection.NextRequest();
            await _handler.HandleAsync(connection.Context).ConfigureAwait(false);
            if (connection.StatusCode != 200)
            {
                throw new InvalidOperationException($"the handler answered {connection.StatusCode}");
            }
        }
    }

    private void Parse(byte[] body, long headerLength)
    {
        var request = _server.Context.Requests.Rent();
        var buffer = _server.Buffers.Rent(body.Length);
        body.CopyTo(buffer.Span);
        request.Own(buffer);
        var error = InferRequestParser.Parse(_model, buffer.Memory, headerLength, request, _server.Buffers, _server.Context.Options.MaxJsonDepth);
        _server.Context.Requests.Return(request);
        if (error.IsError)
        {
            throw new InvalidOperationException(error.Message);
        }
    }

    /// <summary>A request parsed from <paramref name="body"/> and answered by the model; the caller returns it.</summary>
    private InferenceRequest Answer(byte[] body, long headerLength)
    {
        var request = _server.Context.Requests.Rent();
        var buffer = _server.Buffers.Rent(body.Length);
        body.CopyTo(buffer.Span);
        request.Own(buffer);
        var error = InferRequestParser.Parse(_model, buffer.Memory, headerLength, request, _server.Buffers, _server.Context.Options.MaxJsonDepth);
        if (!error.IsError)
        {
            _model.InferAsync(request).AsTask().GetAwaiter().GetResult();
            error = request.Error;
        }

        return error.IsError ? throw new InvalidOperationException(error.Message) : request;
    }

    private static void VerifyBinaryResponse(InProcessHttpConnection connection)
    {
        var header = connection.ResponseHeaders[InferResponseWriter.HeaderLengthName].ToString();
        var jsonLength = int.Parse(header, CultureInfo.InvariantCulture);
        var body = connection.ResponseBody.Span;
        if (connection.StatusCode != 200 || body.Length != jsonLength + (2 * 64))
        {
            throw new InvalidOperationException($"unexpected binary response: status {connection.StatusCode}, {body.Length} bytes, header {jsonLength}");
        }

        SimplePayloads.Verify(body.Slice(jsonLength, 64), body.Slice(jsonLength + 64, 64));
    }

    private static void VerifyJsonResponse(InProcessHttpConnection connection)
    {
        using var document = JsonDocument.Parse(connection.ResponseBody);
        var outputs = document.RootElement.GetProperty("outputs");
        var values = new byte[2][];
        foreach (var output in outputs.EnumerateArray())
        {
            var index = output.GetProperty("name").GetString() == "OUTPUT0" ? 0 : 1;
            values[index] = output.GetProperty("data").EnumerateArray().SelectMany(v => BitConverter.GetBytes(v.GetInt32())).ToArray();
        }

        SimplePayloads.Verify(values[0], values[1]);
    }
}
