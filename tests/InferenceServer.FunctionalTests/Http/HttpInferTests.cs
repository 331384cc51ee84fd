using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using InferenceServer.FunctionalTests.Infrastructure;

namespace InferenceServer.FunctionalTests.Http;

/// <summary>
/// HTTP inference on Triton's <c>simple</c> model in every body form: JSON, the binary tensor extension
/// (inputs, outputs, mixed), compressed requests and responses, and the raw binary request.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class HttpInferTests(ServerFixture fixture)
{
    private static readonly int[] Input0 = SimpleRequests.Input0(1);
    private static readonly int[] Input1 = SimpleRequests.Input1(1);
    private static readonly int[] Sum = SimpleRequests.Sum(Input0, Input1);
    private static readonly int[] Difference = SimpleRequests.Difference(Input0, Input1);

    private readonly HttpClient _http = fixture.Server.Http;

    [Fact]
    public async Task Infer_JsonInputs_ReturnsJsonSumAndDifference()
    {
        using var response = await HttpInfer.PostAsync(_http, "simple", SimpleRequests.Json(batch: 1));
        var result = await HttpInfer.ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Null(HttpInfer.HeaderLength(response));
        Assert.Equal("simple", result.Json["model_name"]!.GetValue<string>());
        Assert.Equal("1", result.Json["model_version"]!.GetValue<string>());
        Assert.False(result.Json.ContainsKey("id"));
        Assert.Equal(["OUTPUT0", "OUTPUT1"], result.OutputNames);
        Assert.Equal(Sum, result.Int32Data("OUTPUT0"));
        Assert.Equal(Difference, result.Int32Data("OUTPUT1"));
        var output = result.Output("OUTPUT0");
        Assert.Equal("INT32", output["datatype"]!.GetValue<string>());
        Assert.Equal([1L, 16L], output["shape"]!.AsArray().Select(d => d!.GetValue<long>()));
        Assert.Empty(result.Binary);
    }

    [Fact]
    public async Task Infer_JsonBatchOfEight_ReturnsEveryRow()
    {
        var a = SimpleRequests.Input0(8);
        var b = SimpleRequests.Input1(8);

        using var response = await HttpInfer.PostAsync(_http, "simple", SimpleRequests.Json(batch: 8));
        var result = await HttpInfer.ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.Equal(SimpleRequests.Sum(a, b), result.Int32Data("OUTPUT0"));
        Assert.Equal([8L, 16L], result.Output("OUTPUT1")["shape"]!.AsArray().Select(d => d!.GetValue<long>()));
    }

    [Fact]
    public async Task Infer_NestedJsonData_ReadsRowMajor()
    {
        var nested = new JsonArray(new JsonArray([.. Input0.Select(v => (JsonNode)v)]));
        var body = new JsonObject
        {
            ["inputs"] = new JsonArray(
                HttpInfer.Input("INPUT0", "INT32", [1, 16], nested),
                HttpInfer.Input("INPUT1", "INT32", [1, 16], HttpInfer.Numbers(Input1))),
        };

        using var response = await HttpInfer.PostAsync(_http, "simple", HttpInfer.Json(body));
        var result = await HttpInfer.ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.Equal(Sum, result.Int32Data("OUTPUT0"));
    }

    [Fact]
    public async Task Infer_RequestId_IsEchoed()
    {
        using var response = await HttpInfer.PostAsync(_http, "simple", HttpInfer.Json(SimpleRequests.JsonBody(1, id: "request-42")));
        var result = await HttpInfer.ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.Equal("request-42", result.Json["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Infer_BinaryInputsAndOutputs_ReturnsBlobsAfterHeader()
    {
        var header = new JsonObject
        {
            ["inputs"] = new JsonArray(
                HttpInfer.BinaryInput("INPUT0", "INT32", [1, 16], 64),
                HttpInfer.BinaryInput("INPUT1", "INT32", [1, 16], 64)),
            ["outputs"] = new JsonArray(HttpInfer.Output("OUTPUT0", binary: true), HttpInfer.Output("OUTPUT1", binary: true)),
        };

        using var response = await HttpInfer.PostAsync(_http, "simple", HttpInfer.Binary(header, TensorCase.Pack(Input0), TensorCase.Pack(Input1)));
        var result = await HttpInfer.ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(HttpInfer.HeaderLength(response));
        Assert.Equal(TensorCase.Pack(Sum), result.Binary["OUTPUT0"]);
        Assert.Equal(TensorCase.Pack(Difference), result.Binary["OUTPUT1"]);
        foreach (var name in new[] { "OUTPUT0", "OUTPUT1" })
        {
            var output = result.Output(name);
            Assert.False(output.ContainsKey("data"));
            Assert.Equal(64, output["parameters"]!["binary_data_size"]!.GetValue<int>());
        }
    }

    [Fact]
    public async Task Infer_BinaryDataOutputWithoutOutputs_ReturnsEveryOutputBinary()
    {
        var header = JsonInputs();
        header["parameters"] = new JsonObject { ["binary_data_output"] = true };

        using var response = await HttpInfer.PostAsync(_http, "simple", HttpInfer.Json(header));
        var result = await HttpInfer.ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.Equal(["OUTPUT0", "OUTPUT1"], result.OutputNames);
        Assert.Equal(TensorCase.Pack(Sum), result.Binary["OUTPUT0"]);
        Assert.Equal(TensorCase.Pack(Difference), result.Binary["OUTPUT1"]);
    }

    [Fact]
    public async Task Infer_BinaryDataOutputWithListedOutput_ListedOutputFollowsItsOwnSetting()
    {
        // Triton applies binary_data_output only to outputs the request does not list; a listed output
        // without binary_data is JSON, and unlisted outputs are not returned at all.
        var header = JsonInputs();
        header["parameters"] = new JsonObject { ["binary_data_output"] = true };
        header["outputs"] = new JsonArray(HttpInfer.Output("OUTPUT1"));

        using var response = await HttpInfer.PostAsync(_http, "simple", HttpInfer.Json(header));
        var result = await HttpInfer.ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.Equal(["OUTPUT1"], result.OutputNames);
        Assert.Equal(Difference, result.Int32Data("OUTPUT1"));
        Assert.Empty(result.Binary);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Infer_OutputsWithBinaryDataTrueAndFalse_EachFollowsItsOwnSetting()
    {
        var header = JsonInputs();
        header["outputs"] = new JsonArray(HttpInfer.Output("OUTPUT1", binary: true), HttpInfer.Output("OUTPUT0", binary: false));

        using var response = await HttpInfer.PostAsync(_http, "simple", HttpInfer.Json(header));
        var result = await HttpInfer.ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.Equal(TensorCase.Pack(Difference), result.Binary["OUTPUT1"]);
        Assert.Equal(Sum, result.Int32Data("OUTPUT0"));
        Assert.Single(result.Binary);
    }

    [Fact]
    public async Task Infer_MixedJsonAndBinaryInputs_ReturnsMixedOutputs()
    {
        var header = new JsonObject
        {
            ["inputs"] = new JsonArray(
                HttpInfer.Input("INPUT0", "INT32", [1, 16], HttpInfer.Numbers(Input0)),
                HttpInfer.BinaryInput("INPUT1", "INT32", [1, 16], 64)),
            ["outputs"] = new JsonArray(HttpInfer.Output("OUTPUT0", binary: false), HttpInfer.Output("OUTPUT1", binary: true)),
        };

        using var response = await HttpInfer.PostAsync(_http, "simple", HttpInfer.Binary(header, TensorCase.Pack(Input1)));
        var result = await HttpInfer.ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.Equal(Sum, result.Int32Data("OUTPUT0"));
        Assert.Equal(TensorCase.Pack(Difference), result.Binary["OUTPUT1"]);
        Assert.False(result.Output("OUTPUT1").ContainsKey("data"));
    }

    [Fact]
    public async Task Infer_PureJsonWithHeaderLength_IsAccepted()
    {
        // The C++ client always sends Inference-Header-Content-Length, also without binary data.
        using var response = await HttpInfer.PostAsync(_http, "simple", HttpInfer.Binary(SimpleRequests.JsonBody(1)));
        var result = await HttpInfer.ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.Equal(Sum, result.Int32Data("OUTPUT0"));
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("deflate")]
    public async Task Infer_CompressedRequestBody_IsDecompressed(string encoding)
    {
        var header = new JsonObject
        {
            ["inputs"] = new JsonArray(
                HttpInfer.Input("INPUT0", "INT32", [1, 16], HttpInfer.Numbers(Input0)),
                HttpInfer.BinaryInput("INPUT1", "INT32", [1, 16], 64)),
        };
        var (body, headerLength) = HttpInfer.BinaryBody(header, TensorCase.Pack(Input1));
        using var content = new ByteArrayContent(HttpInfer.Compress(body, encoding));
        content.Headers.ContentEncoding.Add(encoding);
        content.Headers.Add(HttpInfer.HeaderLengthName, headerLength.ToString(CultureInfo.InvariantCulture));

        using var response = await HttpInfer.PostAsync(_http, "simple", content);
        var result = await HttpInfer.ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.Equal(Sum, result.Int32Data("OUTPUT0"));
        Assert.Equal(Difference, result.Int32Data("OUTPUT1"));
    }

    [Theory]
    [InlineData("gzip", "gzip")]
    [InlineData("deflate", "deflate")]
    [InlineData("gzip;q=0.5, deflate;q=0.9", "deflate")]
    public async Task Infer_AcceptEncoding_CompressesWholeBodyAndHeaderLengthIsUncompressed(string acceptEncoding, string expected)
    {
        var header = JsonInputs();
        header["outputs"] = new JsonArray(HttpInfer.Output("OUTPUT0", binary: false), HttpInfer.Output("OUTPUT1", binary: true));
        using var request = new HttpRequestMessage(HttpMethod.Post, "v2/models/simple/infer") { Content = HttpInfer.Json(header) };
        request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);

        using var response = await _http.SendAsync(request).WithTimeout();
        var compressed = await response.Content.ReadAsByteArrayAsync().WithTimeout();
        var result = await HttpInfer.ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.Equal([expected], response.Content.Headers.ContentEncoding);
        var plain = HttpInfer.Decompress(compressed, response.Content.Headers.ContentEncoding);
        var headerLength = HttpInfer.HeaderLength(response);
        Assert.NotNull(headerLength);
        Assert.Equal(plain.Length - 64, headerLength);
        Assert.Equal('}', (char)plain[headerLength.Value - 1]);
        Assert.Equal(Sum, result.Int32Data("OUTPUT0"));
        Assert.Equal(TensorCase.Pack(Difference), result.Binary["OUTPUT1"]);
    }

    [Theory]
    [InlineData("gzip;q=0.5, identity")]
    [InlineData("identity, gzip")]
    [InlineData("gzip;q=0, deflate;q=0")]
    [InlineData("br")]
    public async Task Infer_AcceptEncodingPreferringIdentity_SendsUncompressed(string acceptEncoding)
    {
        // Triton picks the first of identity/gzip/deflate with the highest q-value; identity when none is acceptable.
        using var request = new HttpRequestMessage(HttpMethod.Post, "v2/models/simple/infer") { Content = SimpleRequests.Json(1) };
        request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);

        using var response = await _http.SendAsync(request).WithTimeout();
        var result = await HttpInfer.ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.Empty(response.Content.Headers.ContentEncoding);
        Assert.Equal(Sum, result.Int32Data("OUTPUT0"));
    }

    [Fact]
    public async Task Infer_AcceptEncodingGzipJsonOnly_DecompressesToJson()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v2/models/simple/infer") { Content = SimpleRequests.Json(1) };
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));

        using var response = await _http.SendAsync(request).WithTimeout();
        var result = await HttpInfer.ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.Equal(["gzip"], response.Content.Headers.ContentEncoding);
        Assert.Equal(Sum, result.Int32Data("OUTPUT0"));
    }

    [Fact]
    public async Task Infer_RawBinaryRequest_TreatsBodyAsTheOnlyInputWithBatchOne()
    {
        var values = TensorCase.Pack(1.5f, -2f, 3.25f, 0f, 8f);
        using var content = new ByteArrayContent(values);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Headers.Add(HttpInfer.HeaderLengthName, "0");

        using var response = await HttpInfer.PostAsync(_http, TensorCase.IdentityModelName("FP32"), content);
        var result = await HttpInfer.ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, result.Status);
        var output = result.Output("OUTPUT0");
        Assert.Equal("FP32", output["datatype"]!.GetValue<string>());
        Assert.Equal([1L, 5L], output["shape"]!.AsArray().Select(d => d!.GetValue<long>()));
        Assert.Equal(values, result.Binary["OUTPUT0"]);
    }

    [Theory]
    [InlineData(TestRepositories.ScalarBytes)]
    [InlineData("simple_identity")]
    public async Task Infer_RawBinaryRequestOnBytesInput_SendsTheWholeBodyAsOneElement(string model)
    {
        // Triton prepends the length itself: the body is the element's bytes, not the length-prefixed form.
        byte[] body = [.. "raw \u00ff body"u8, 0xFF, 0x00];
        using var content = new ByteArrayContent(body);
        content.Headers.Add(HttpInfer.HeaderLengthName, "0");

        using var response = await HttpInfer.PostAsync(_http, model, content);
        var result = await HttpInfer.ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.Equal([1L, 1L], result.Output("OUTPUT0")["shape"]!.AsArray().Select(d => d!.GetValue<long>()));
        Assert.Equal(TensorCase.LengthPrefixed(body), result.Binary["OUTPUT0"]);
    }

    [Fact]
    public async Task Infer_RawBinaryRequestOnTwoInputModel_Returns400()
    {
        using var content = new ByteArrayContent(new byte[128]);
        content.Headers.Add(HttpInfer.HeaderLengthName, "0");

        using var response = await HttpInfer.PostAsync(_http, "simple", content);

        var message = await HttpInfer.AssertErrorAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("exactly one input", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Infer_LargeBinaryTensor_RoundTrips()
    {
        const int Elements = 3 << 20;
        var raw = TensorCase.Pack(Enumerable.Range(0, Elements).Select(i => (float)i).ToArray());
        var header = new JsonObject
        {
            ["inputs"] = new JsonArray(HttpInfer.BinaryInput("INPUT0", "FP32", [1, Elements], raw.Length)),
            ["parameters"] = new JsonObject { ["binary_data_output"] = true },
        };

        using var response = await HttpInfer.PostAsync(_http, TensorCase.IdentityModelName("FP32"), HttpInfer.Binary(header, raw));
        var result = await HttpInfer.ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.Equal(raw, result.Binary["OUTPUT0"]);
    }

    [Fact]
    public async Task Infer_ChunkedBody_IsRead()
    {
        var bytes = Encoding.UTF8.GetBytes(SimpleRequests.JsonBody(1).ToJsonString());
        using var content = new StreamContent(new UnknownLengthStream(bytes));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await HttpInfer.PostAsync(_http, "simple", content);
        var result = await HttpInfer.ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.Equal(Sum, result.Int32Data("OUTPUT0"));
    }

    private static JsonObject JsonInputs() => new()
    {
        ["inputs"] = new JsonArray(
            HttpInfer.Input("INPUT0", "INT32", [1, 16], HttpInfer.Numbers(Input0)),
            HttpInfer.Input("INPUT1", "INT32", [1, 16], HttpInfer.Numbers(Input1))),
    };
}
