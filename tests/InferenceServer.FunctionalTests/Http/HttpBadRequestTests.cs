using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using InferenceServer.FunctionalTests.Infrastructure;

namespace InferenceServer.FunctionalTests.Http;

/// <summary>
/// Malformed and invalid HTTP inference requests: each gets the protocol's status and an error message that
/// names what is wrong (the tensor, the field, the limit), never a 500.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class HttpBadRequestTests(ServerFixture fixture)
{
    private readonly HttpClient _http = fixture.Server.Http;

    [Fact]
    public async Task Infer_UnknownInputName_Returns400NamingTheInput()
    {
        var body = SimpleRequests.JsonBody(1);
        body["inputs"]![1]!["name"] = "INPUT9";

        var message = await PostErrorAsync("simple", HttpInfer.Json(body), HttpStatusCode.BadRequest);

        Assert.Contains("INPUT9", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Infer_MissingInput_Returns400NamingTheMissingInput()
    {
        var body = SimpleRequests.JsonBody(1);
        body["inputs"]!.AsArray().RemoveAt(1);

        var message = await PostErrorAsync("simple", HttpInfer.Json(body), HttpStatusCode.BadRequest);

        Assert.Contains("INPUT1", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Infer_WrongDatatype_Returns400NamingInputAndTypes()
    {
        var body = SimpleRequests.JsonBody(1);
        body["inputs"]![0]!["datatype"] = "FP32";

        var message = await PostErrorAsync("simple", HttpInfer.Json(body), HttpStatusCode.BadRequest);

        Assert.Contains("INPUT0", message, StringComparison.Ordinal);
        Assert.Contains("FP32", message, StringComparison.Ordinal);
        Assert.Contains("INT32", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Infer_UnknownDatatypeName_Returns400NamingTheDatatype()
    {
        var body = SimpleRequests.JsonBody(1);
        body["inputs"]![0]!["datatype"] = "int32";

        var message = await PostErrorAsync("simple", HttpInfer.Json(body), HttpStatusCode.BadRequest);

        Assert.Contains("int32", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"datatype":"FOO","name":"INPUT0","shape":[1,16],"data":[]}""")]
    [InlineData("""{"shape":[1,-16],"name":"INPUT0","datatype":"INT32","data":[]}""")]
    [InlineData("""{"parameters":{"binary_data_size":-1},"name":"INPUT0","datatype":"INT32","shape":[1,16]}""")]
    public async Task Infer_ErrorBeforeNameProperty_MessageStillNamesTheInput(string input)
    {
        var message = await PostErrorAsync("simple", HttpInfer.Json($$"""{"inputs":[{{input}}]}"""), HttpStatusCode.BadRequest);

        Assert.Contains("'INPUT0'", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Infer_ShapeNotMatchingConfig_Returns400NamingInputAndShape()
    {
        var body = new JsonObject
        {
            ["inputs"] = new JsonArray(
                HttpInfer.Input("INPUT0", "INT32", [1, 8], HttpInfer.Numbers(Enumerable.Range(0, 8))),
                HttpInfer.Input("INPUT1", "INT32", [1, 16], HttpInfer.Numbers(SimpleRequests.Input1(1)))),
        };

        var message = await PostErrorAsync("simple", HttpInfer.Json(body), HttpStatusCode.BadRequest);

        Assert.Contains("INPUT0", message, StringComparison.Ordinal);
        Assert.Contains("[-1,16]", message.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Infer_DataCountNotMatchingShape_Returns400NamingTheInput()
    {
        var body = SimpleRequests.JsonBody(1);
        body["inputs"]![1]!["data"] = HttpInfer.Numbers(Enumerable.Range(0, 15));

        var message = await PostErrorAsync("simple", HttpInfer.Json(body), HttpStatusCode.BadRequest);

        Assert.Contains("INPUT1", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Infer_BinaryDataSizeNotMatchingShape_Returns400NamingInputAndSizes()
    {
        var header = new JsonObject
        {
            ["inputs"] = new JsonArray(
                HttpInfer.BinaryInput("INPUT0", "INT32", [1, 16], 60),
                HttpInfer.BinaryInput("INPUT1", "INT32", [1, 16], 64)),
        };

        var message = await PostErrorAsync("simple", HttpInfer.Binary(header, new byte[60], new byte[64]), HttpStatusCode.BadRequest);

        Assert.Contains("INPUT0", message, StringComparison.Ordinal);
        Assert.Contains("64", message, StringComparison.Ordinal);
        Assert.Contains("60", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Infer_TruncatedBinaryBody_Returns400NamingTheInput()
    {
        var header = new JsonObject
        {
            ["inputs"] = new JsonArray(
                HttpInfer.BinaryInput("INPUT0", "INT32", [1, 16], 64),
                HttpInfer.BinaryInput("INPUT1", "INT32", [1, 16], 64)),
        };

        // The second blob stops half way.
        var message = await PostErrorAsync("simple", HttpInfer.Binary(header, new byte[64], new byte[32]), HttpStatusCode.BadRequest);

        Assert.Contains("INPUT1", message, StringComparison.Ordinal);
        Assert.Contains("binary_data_size", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Infer_BinaryBytesWithBadLengthPrefix_Returns400NamingTheInput()
    {
        // One element claims 100 bytes but only 3 follow.
        byte[] raw = [100, 0, 0, 0, (byte)'a', (byte)'b', (byte)'c'];
        var header = new JsonObject
        {
            ["inputs"] = new JsonArray(HttpInfer.BinaryInput("INPUT0", "BYTES", [1, 1], raw.Length)),
        };

        var message = await PostErrorAsync("simple_identity", HttpInfer.Binary(header, raw), HttpStatusCode.BadRequest);

        Assert.Contains("INPUT0", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Infer_HeaderLengthBeyondBody_Returns400NamingTheHeader()
    {
        using var content = HttpInfer.Json(SimpleRequests.JsonBody(1));
        content.Headers.Add(HttpInfer.HeaderLengthName, "1000000");

        var message = await PostErrorAsync("simple", content, HttpStatusCode.BadRequest);

        Assert.Contains(HttpInfer.HeaderLengthName, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Infer_NonNumericHeaderLength_Returns400NamingTheHeader()
    {
        using var content = HttpInfer.Json(SimpleRequests.JsonBody(1));
        content.Headers.Add(HttpInfer.HeaderLengthName, "lots");

        var message = await PostErrorAsync("simple", content, HttpStatusCode.BadRequest);

        Assert.Contains(HttpInfer.HeaderLengthName, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Infer_BatchAboveMaxBatchSize_Returns400NamingTheLimit()
    {
        var message = await PostErrorAsync("simple", SimpleRequests.Json(batch: 9), HttpStatusCode.BadRequest);

        Assert.Contains("batch-size", message, StringComparison.Ordinal);
        Assert.Contains("8", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Infer_BatchOfZero_Returns400()
    {
        var body = new JsonObject
        {
            ["inputs"] = new JsonArray(
                HttpInfer.Input("INPUT0", "INT32", [0, 16], []),
                HttpInfer.Input("INPUT1", "INT32", [0, 16], [])),
        };

        var message = await PostErrorAsync("simple", HttpInfer.Json(body), HttpStatusCode.BadRequest);

        Assert.Contains("batch-size", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"inputs\": [")]
    [InlineData("not json at all")]
    [InlineData("[1, 2, 3]")]
    [InlineData("")]
    public async Task Infer_MalformedJson_Returns400(string body)
    {
        var message = await PostErrorAsync("simple", HttpInfer.Json(body), HttpStatusCode.BadRequest);

        Assert.Contains("JSON", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Infer_NoInputsArray_Returns400NamingInputs()
    {
        var message = await PostErrorAsync("simple", HttpInfer.Json("""{"id":"x"}"""), HttpStatusCode.BadRequest);

        Assert.Contains("inputs", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Infer_DataAndBinaryDataSize_Returns400NamingTheInput()
    {
        var body = SimpleRequests.JsonBody(1);
        body["inputs"]![0]!["parameters"] = new JsonObject { ["binary_data_size"] = 64 };

        var message = await PostErrorAsync("simple", HttpInfer.Binary(body, new byte[64]), HttpStatusCode.BadRequest);

        Assert.Contains("INPUT0", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Infer_StringInNumericData_Returns400NamingTheInput()
    {
        var body = SimpleRequests.JsonBody(1);
        body["inputs"]![1]!["data"]![3] = "three";

        var message = await PostErrorAsync("simple", HttpInfer.Json(body), HttpStatusCode.BadRequest);

        Assert.Contains("INPUT1", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Infer_ValueOutOfRangeForDatatype_Returns400NamingTheInput()
    {
        var body = SimpleRequests.JsonBody(1);
        body["inputs"]![0]!["data"]![0] = 1L << 40;

        var message = await PostErrorAsync("simple", HttpInfer.Json(body), HttpStatusCode.BadRequest);

        Assert.Contains("INPUT0", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Infer_UnknownOutput_Returns400NamingTheOutput()
    {
        var body = SimpleRequests.JsonBody(1);
        body["outputs"] = new JsonArray(HttpInfer.Output("OUTPUT7"));

        var message = await PostErrorAsync("simple", HttpInfer.Json(body), HttpStatusCode.BadRequest);

        Assert.Contains("OUTPUT7", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Infer_JsonNestedDeeperThan100_Returns400NamingTheDepth()
    {
        var deep = new StringBuilder();
        deep.Append("{\"inputs\":[{\"name\":\"INPUT0\",\"datatype\":\"INT32\",\"shape\":[1,16],\"data\":");
        deep.Append('[', 150).Append('1').Append(']', 150);
        deep.Append("}]}");

        var message = await PostErrorAsync("simple", HttpInfer.Json(deep.ToString()), HttpStatusCode.BadRequest);

        Assert.Contains("depth", message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Infer_UnsupportedContentEncoding_Returns400NamingTheEncoding()
    {
        using var content = SimpleRequests.Json(1);
        content.Headers.ContentEncoding.Add("br");

        var message = await PostErrorAsync("simple", content, HttpStatusCode.BadRequest);

        Assert.Contains("Content-Encoding", message, StringComparison.Ordinal);
        Assert.Contains("br", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Infer_GzipHeaderOnPlainBody_Returns400NamingTheEncoding()
    {
        using var content = SimpleRequests.Json(1);
        content.Headers.ContentEncoding.Add("gzip");

        var message = await PostErrorAsync("simple", content, HttpStatusCode.BadRequest);

        Assert.Contains("gzip", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Infer_ReservedTritonParameter_Returns400NamingTheParameter()
    {
        var body = SimpleRequests.JsonBody(1);
        body["parameters"] = new JsonObject { ["triton_secret"] = 1 };

        var message = await PostErrorAsync("simple", HttpInfer.Json(body), HttpStatusCode.BadRequest);

        Assert.Contains("triton_secret", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Infer_InputGivenTwice_Returns400NamingTheInput()
    {
        var body = SimpleRequests.JsonBody(1);
        body["inputs"]!.AsArray().Add(body["inputs"]![1]!.DeepClone());

        var message = await PostErrorAsync("simple", HttpInfer.Json(body), HttpStatusCode.BadRequest);

        Assert.Contains("INPUT1", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(4611686018427387904L)]
    [InlineData(1L << 40)]
    public async Task Infer_HugeShape_RejectedWithoutAllocating(long dim)
    {
        var body = new JsonObject { ["inputs"] = new JsonArray(HttpInfer.Input("INPUT0", "FP32", [4, dim], [1])) };

        using var content = HttpInfer.Json(body);
        using var response = await HttpInfer.PostAsync(_http, TensorCase.IdentityModelName("FP32"), content);

        var text = await response.Content.ReadAsStringAsync().WithTimeout();
        Assert.True((int)response.StatusCode is >= 400 and < 500, $"{(int)response.StatusCode}: {text}");
        Assert.Contains("INPUT0", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Infer_UnknownModel_Returns404NamingTheModel()
    {
        var message = await PostErrorAsync("no_such_model", SimpleRequests.Json(1), HttpStatusCode.NotFound);

        Assert.Contains("no_such_model", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Infer_UnknownVersion_Returns404NamingTheVersion()
    {
        using var response = await _http.PostAsync("v2/models/simple/versions/7/infer", SimpleRequests.Json(1)).WithTimeout();

        var message = await HttpInfer.AssertErrorAsync(response, HttpStatusCode.NotFound);
        Assert.Contains("7", message, StringComparison.Ordinal);
        Assert.Contains("simple", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelMetadata_UnknownVersion_Returns404()
    {
        using var response = await _http.GetAsync("v2/models/simple/versions/7").WithTimeout();

        await HttpInfer.AssertErrorAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Statistics_UnknownModel_Returns400NamingTheModel()
    {
        using var response = await _http.GetAsync("v2/models/no_such_model/stats").WithTimeout();

        var message = await HttpInfer.AssertErrorAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("no_such_model", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RepositoryIndex_NonBooleanReady_Returns400NamingTheField()
    {
        using var response = await _http.PostAsync("v2/repository/index", HttpInfer.Json("""{"ready":"yes"}""")).WithTimeout();

        var message = await HttpInfer.AssertErrorAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("ready", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Infer_AfterBadRequests_ServerStillAnswers()
    {
        await PostErrorAsync("simple", HttpInfer.Json("{"), HttpStatusCode.BadRequest);

        using var response = await HttpInfer.PostAsync(_http, "simple", SimpleRequests.Json(1));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var length = response.Content.Headers.ContentLength;
        Assert.True(length > 0, length?.ToString(CultureInfo.InvariantCulture));
    }

    private async Task<string> PostErrorAsync(string model, HttpContent content, HttpStatusCode status)
    {
        using (content)
        {
            using var response = await HttpInfer.PostAsync(_http, model, content);
            return await HttpInfer.AssertErrorAsync(response, status);
        }
    }
}
