using System.Net;
using System.Text.Json.Nodes;
using Grpc.Core;
using InferenceServer.FunctionalTests.Infrastructure;
using InferenceServer.ModelBuilder.Repository;
using InferenceServer.ModelBuilder.Samples;
using OnnxType = InferenceServer.ModelBuilder.Onnx.TensorProto.Types.DataType;

namespace InferenceServer.FunctionalTests.Security;

/// <summary>
/// The limits checked before anything is allocated for a request, each answered with a 4xx (gRPC
/// INVALID_ARGUMENT / RESOURCE_EXHAUSTED) naming what was exceeded, after which the server still answers:
/// JSON nesting depth, header size, gRPC message size, element counts that overflow, shapes whose data is not
/// there, binary sizes beyond the body. (Body size, declared, chunked and decompressed: Http/BodyLimitTests.)
/// </summary>
public sealed class InputLimitTests : IClassFixture<InputLimitTests.Fixture>
{
    private const int GrpcLimit = 64 << 10;
    private const string Identity = "identity_fp32";

    private readonly TestServer _server;

    public InputLimitTests(Fixture fixture)
    {
        _server = fixture.Server;
    }

    [Fact]
    public async Task Json_NestedDeeperThan100_400NamingTheDepth()
    {
        using var response = await HttpInfer.PostAsync(_server.Http, "simple", HttpInfer.Json(Nested(120)));

        var message = await HttpInfer.AssertErrorAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("depth of 100", message, StringComparison.Ordinal);
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task Json_NestedWithinTheLimit_Accepted()
    {
        using var response = await HttpInfer.PostAsync(_server.Http, "simple", HttpInfer.Json(Nested(95)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Headers_Above32KiB_431()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v2/models/simple/infer") { Content = SimpleRequests.Json(batch: 1) };
        request.Headers.Add("x-padding", new string('a', 40 << 10));

        using var response = await _server.Http.SendAsync(request).WithTimeout();

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task Grpc_MessageAboveTheConfiguredLimit_ResourceExhaustedNamingTheSize()
    {
        var request = SimpleRequests.Grpc(batch: 1);
        request.Parameters["padding"] = new Inference.InferParameter { StringParam = new string('a', GrpcLimit + 1) };

        var error = await Assert.ThrowsAsync<RpcException>(() => _server.Grpc.ModelInferAsync(request).WithTimeout());

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Contains("exceeds the maximum configured message size", error.Status.Detail, StringComparison.Ordinal);
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task GrpcStream_MessageAboveTheConfiguredLimit_EndsThatStreamWithResourceExhausted_OthersGoOn()
    {
        using var other = _server.Grpc.ModelStreamInfer();
        await other.RequestStream.WriteAsync(SimpleRequests.Grpc(batch: 1)).WithTimeout();
        Assert.True(await other.ResponseStream.MoveNext(CancellationToken.None).WithTimeout());
        var oversized = SimpleRequests.Grpc(batch: 1);
        oversized.Parameters["padding"] = new Inference.InferParameter { StringParam = new string('a', GrpcLimit + 1) };

        using var stream = _server.Grpc.ModelStreamInfer();
        await stream.RequestStream.WriteAsync(SimpleRequests.Grpc(batch: 1)).WithTimeout();
        Assert.True(await stream.ResponseStream.MoveNext(CancellationToken.None).WithTimeout());
        Assert.Empty(stream.ResponseStream.Current.ErrorMessage);
        try
        {
            await stream.RequestStream.WriteAsync(oversized).WithTimeout();
        }
        catch (RpcException)
        {
            // The server may end the stream before the client has finished writing; the status comes with the responses.
        }

        var error = await Assert.ThrowsAsync<RpcException>(() => stream.ResponseStream.MoveNext(CancellationToken.None).WithTimeout());

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Contains("exceeds the maximum configured message size", error.Status.Detail, StringComparison.Ordinal);
        await other.RequestStream.WriteAsync(SimpleRequests.Grpc(batch: 1)).WithTimeout();
        Assert.True(await other.ResponseStream.MoveNext(CancellationToken.None).WithTimeout());
        Assert.Empty(other.ResponseStream.Current.ErrorMessage);
        await other.RequestStream.CompleteAsync().WithTimeout();
        await AssertStillServesAsync();
    }

    [Theory]
    [InlineData(2, 4611686018427387904L, HttpStatusCode.BadRequest, "overflows")]
    [InlineData(2, 1L << 40, HttpStatusCode.RequestEntityTooLarge, "per-tensor limit")]
    [InlineData(2, 3, HttpStatusCode.BadRequest, "6 elements")]
    [InlineData(1, -3, HttpStatusCode.BadRequest, "shape")]
    public async Task Json_ShapeWithoutTheData_4xxBeforeAllocating(long rows, long columns, HttpStatusCode status, string expected)
    {
        var body = new JsonObject
        {
            ["inputs"] = new JsonArray(HttpInfer.Input("INPUT0", "FP32", [rows, columns], [1.0, 2.0])),
        };

        using var response = await HttpInfer.PostAsync(_server.Http, Identity, HttpInfer.Json(body));

        var message = await HttpInfer.AssertErrorAsync(response, status);
        Assert.Contains(expected, message, StringComparison.OrdinalIgnoreCase);
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task Binary_DataSizeBeyondTheBody_400NamingTheSizes()
    {
        var header = new JsonObject
        {
            ["inputs"] = new JsonArray(HttpInfer.BinaryInput("INPUT0", "FP32", [1, 1L << 28], 4L << 28)),
        };

        using var response = await HttpInfer.PostAsync(_server.Http, Identity, HttpInfer.Binary(header, new byte[16]));

        var message = await HttpInfer.AssertErrorAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("binary_data_size", message, StringComparison.Ordinal);
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task Grpc_ShapeThatOverflows_InvalidArgument()
    {
        var request = new Inference.ModelInferRequest { ModelName = Identity };
        var input = new Inference.ModelInferRequest.Types.InferInputTensor { Name = "INPUT0", Datatype = "FP32" };
        input.Shape.Add([3, long.MaxValue / 2]);
        request.Inputs.Add(input);
        request.RawInputContents.Add(Google.Protobuf.ByteString.CopyFrom(new byte[12]));

        var error = await Assert.ThrowsAsync<RpcException>(() => _server.Grpc.ModelInferAsync(request).WithTimeout());

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("overflows", error.Status.Detail, StringComparison.Ordinal);
        await AssertStillServesAsync();
    }

    // A valid simple request whose parameters hold arrays nested `depth` levels (the whole body one more).
    private static string Nested(int depth)
    {
        var body = SimpleRequests.JsonBody(batch: 1).ToJsonString();
        return $"{{\"parameters\": {{\"deep\": {new string('[', depth)}{new string(']', depth)}}}, {body[1..]}";
    }

    private async Task AssertStillServesAsync()
    {
        using var response = await HttpInfer.PostAsync(_server.Http, "simple", SimpleRequests.Json(batch: 1));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await _server.Grpc.ModelInferAsync(SimpleRequests.Grpc(batch: 1)).WithTimeout();
        Assert.Equal(2, answer.RawOutputContents.Count);
    }

    public sealed class Fixture : TestServerFixture
    {
        private protected override Task<TestServer> StartAsync() => TestServer.StartAsync(root =>
        {
            TestRepositories.WriteSimple(root);
            SampleRepositoryWriter.WriteModel(root, Identity, SampleModels.Identity(OnnxType.Float), config: null);
        }, options => options.GrpcMaxMessageSize = GrpcLimit);
    }
}
