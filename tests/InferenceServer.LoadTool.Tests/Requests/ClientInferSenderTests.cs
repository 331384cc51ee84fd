using System.Buffers.Binary;
using System.Net;
using System.Text;
using System.Text.Json;
using InferenceServer.Client;
using InferenceServer.Client.Http;
using InferenceServer.LoadTool.Data;
using InferenceServer.LoadTool.Requests;

namespace InferenceServer.LoadTool.Tests.Requests;

/// <summary>
/// The tool's requests as they reach the wire through the client library (HTTP, captured by a handler): the binary
/// extension's header and raw bytes, or every value in JSON <c>data</c>; and how each answer becomes an outcome.
/// </summary>
public class ClientInferSenderTests
{
    private static readonly InputTensor Int32s = new("INPUT0", "INT32", [1, 3], Pack(7, -2, 1000));
    private static readonly InputTensor Strings = new("TEXT", "BYTES", [2], PackStrings("hi", "ünï"));

    [Fact]
    public async Task Binary_HeaderThenRawBytes_WithSizesAndHeaderLength()
    {
        var handler = new CapturingHandler(HttpStatusCode.OK);
        var outcome = await SendAsync(handler, HttpTensorEncoding.Binary, "3", [Int32s, Strings]);

        Assert.True(outcome.IsSuccess);
        Assert.Equal("/v2/models/simple/versions/3/infer", handler.Path);
        Assert.Equal("application/octet-stream", handler.ContentType);
        var headerLength = int.Parse(handler.HeaderLength!, System.Globalization.CultureInfo.InvariantCulture);
        using var header = JsonDocument.Parse(handler.Body.AsMemory(0, headerLength));
        var inputs = header.RootElement.GetProperty("inputs");
        Assert.Equal(12, inputs[0].GetProperty("parameters").GetProperty("binary_data_size").GetInt32());
        Assert.Equal(Strings.Raw.Length, inputs[1].GetProperty("parameters").GetProperty("binary_data_size").GetInt32());
        Assert.Equal("[1,3]", inputs[0].GetProperty("shape").GetRawText());
        Assert.False(inputs[0].TryGetProperty("data", out _));
        Assert.True(header.RootElement.GetProperty("parameters").GetProperty("binary_data_output").GetBoolean());
        Assert.Equal([.. Int32s.Raw, .. Strings.Raw], handler.Body[headerLength..]);
    }

    [Fact]
    public async Task Json_EveryValueInData()
    {
        var floats = new InputTensor("F", "FP32", [2], [.. BitConverter.GetBytes(0.5f), .. BitConverter.GetBytes(-3f)]);
        var bools = new InputTensor("B", "BOOL", [2], [1, 0]);
        var handler = new CapturingHandler(HttpStatusCode.OK);
        var outcome = await SendAsync(handler, HttpTensorEncoding.Json, "", [Int32s, Strings, floats, bools]);

        Assert.True(outcome.IsSuccess);
        Assert.Equal("/v2/models/simple/infer", handler.Path);
        Assert.Null(handler.HeaderLength);
        Assert.Equal("application/json", handler.ContentType);
        using var json = JsonDocument.Parse(handler.Body);
        var inputs = json.RootElement.GetProperty("inputs");
        Assert.Equal("[7,-2,1000]", inputs[0].GetProperty("data").GetRawText());
        Assert.Equal(["hi", "ünï"], inputs[1].GetProperty("data").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal([0.5, -3.0], inputs[2].GetProperty("data").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal("[true,false]", inputs[3].GetProperty("data").GetRawText());
        Assert.Equal("INT32", inputs[0].GetProperty("datatype").GetString());
    }

    [Fact]
    public async Task ServerRefusal_IsAnOutcomeNamedByItsStatus()
    {
        var outcome = await SendAsync(new CapturingHandler(HttpStatusCode.ServiceUnavailable), HttpTensorEncoding.Binary, "", [Int32s]);

        Assert.Equal("HTTP 503", outcome.Error);
    }

    private static async Task<RequestOutcome> SendAsync(CapturingHandler handler, HttpTensorEncoding encoding, string version, IReadOnlyList<InputTensor> inputs)
    {
        using var invoker = new HttpMessageInvoker(handler);
        using var client = new HttpInferenceClient(invoker, new Uri("http://server.test/"), new InferenceClientOptions { HttpEncoding = encoding, ConnectRetries = 0 });
        using var request = LoadRequests.Build("simple", version, inputs);
        var sender = new ClientInferSender([client], [request]);
        return await sender.SendAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static byte[] Pack(params int[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(i * 4), values[i]);
        }

        return bytes;
    }

    private static byte[] PackStrings(params string[] values) =>
        [.. values.SelectMany(v => BitConverter.GetBytes(Encoding.UTF8.GetByteCount(v)).Concat(Encoding.UTF8.GetBytes(v)))];

    /// <summary>Keeps the one request's path, headers and body; answers an empty inference response (or an error) with <paramref name="status"/>.</summary>
    private sealed class CapturingHandler(HttpStatusCode status) : HttpMessageHandler
    {
        public string Path { get; private set; } = "";

        public string? ContentType { get; private set; }

        public string? HeaderLength { get; private set; }

        public byte[] Body { get; private set; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Path = request.RequestUri!.AbsolutePath;
            ContentType = request.Content!.Headers.ContentType?.MediaType;
            HeaderLength = request.Content.Headers.TryGetValues("Inference-Header-Content-Length", out var values) ? values.Single() : null;
            Body = await request.Content.ReadAsByteArrayAsync(cancellationToken);
            var answer = status == HttpStatusCode.OK ? """{"model_name":"simple","model_version":"1","outputs":[]}""" : """{"error":"busy"}""";
            return new HttpResponseMessage(status) { Content = new StringContent(answer, Encoding.UTF8, "application/json") };
        }
    }
}
