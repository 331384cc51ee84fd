using System.Net;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Inference;
using InferenceServer.FunctionalTests.Infrastructure;

namespace InferenceServer.FunctionalTests.Models;

/// <summary>Models without config.pbtxt get Triton's auto-completed configuration (brief §5.13) and serve.</summary>
[Collection(ServerCollection.Name)]
public sealed class AutoCompleteTests(ServerFixture fixture)
{
    private readonly TestServer _server = fixture.Server;

    [Fact]
    public async Task Config_BatchableModelWithoutConfig_GetsMaxBatchSize4AndDefaults()
    {
        var config = await GetConfigAsync(TensorCase.IdentityModelName("FP32"));

        Assert.Equal(TensorCase.IdentityModelName("FP32"), config["name"]!.GetValue<string>());
        Assert.Equal("onnxruntime_onnx", config["platform"]!.GetValue<string>());
        Assert.Equal("onnxruntime", config["backend"]!.GetValue<string>());
        Assert.Equal("model.onnx", config["default_model_filename"]!.GetValue<string>());
        Assert.Equal(4, config["max_batch_size"]!.GetValue<int>());
        var input = Assert.Single(config["input"]!.AsArray())!;
        Assert.Equal("INPUT0", input["name"]!.GetValue<string>());
        Assert.Equal("TYPE_FP32", input["data_type"]!.GetValue<string>());
        Assert.Equal([-1L], input["dims"]!.AsArray().Select(d => d!.GetValue<long>()));
        var output = Assert.Single(config["output"]!.AsArray())!;
        Assert.Equal("OUTPUT0", output["name"]!.GetValue<string>());
        Assert.Equal([-1L], output["dims"]!.AsArray().Select(d => d!.GetValue<long>()));
        Assert.NotNull(config["dynamic_batching"]);
        var group = Assert.Single(config["instance_group"]!.AsArray())!;
        Assert.Equal("KIND_CPU", group["kind"]!.GetValue<string>());
        Assert.Equal(2, group["count"]!.GetValue<int>());
    }

    [Fact]
    public async Task Infer_AutoCompletedModel_ServesBatchUpToFour()
    {
        var values = Enumerable.Range(0, 4 * 5).Select(i => i * 0.5f).ToArray();
        var request = new ModelInferRequest { ModelName = TensorCase.IdentityModelName("FP32") };
        request.Inputs.Add(SimpleRequests.GrpcInput("INPUT0", "FP32", [4, 5]));
        request.RawInputContents.Add(ByteString.CopyFrom(TensorCase.Pack(values)));

        var response = await _server.Grpc.ModelInferAsync(request).WithTimeout();

        Assert.Equal(TensorCase.Pack(values), response.RawOutputContents.Single().ToByteArray());
    }

    [Fact]
    public async Task Config_FixedShapeModelWithoutConfig_GetsMaxBatchSize0AndFullDims()
    {
        var config = await GetConfigAsync(TestRepositories.FixedShape);

        Assert.Equal(0, config["max_batch_size"]!.GetValue<int>());
        var input = Assert.Single(config["input"]!.AsArray())!;
        Assert.Equal([2L, 3L], input["dims"]!.AsArray().Select(d => d!.GetValue<long>()));
        Assert.Equal([2L, 3L], config["output"]![0]!["dims"]!.AsArray().Select(d => d!.GetValue<long>()));
        Assert.Null(config["dynamic_batching"]);
    }

    [Fact]
    public async Task Metadata_FixedShapeModel_HasNoBatchDimension()
    {
        var metadata = await _server.Grpc.ModelMetadataAsync(TestRepositories.FixedShape).WithTimeout();

        Assert.Equal([2L, 3L], Assert.Single(metadata.Inputs).Shape);
        Assert.Equal("FP32", metadata.Inputs[0].Datatype);
    }

    [Fact]
    public async Task Infer_FixedShapeModel_DoublesTheInput()
    {
        var body = new JsonObject
        {
            ["inputs"] = new JsonArray(HttpInfer.Input("INPUT0", "FP32", [2, 3], [1, 2, 3, 4, 5, 6.5])),
        };

        using var response = await HttpInfer.PostAsync(_server.Http, TestRepositories.FixedShape, HttpInfer.Json(body));
        var result = await HttpInfer.ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, result.Status);
        var output = result.Output("OUTPUT0");
        Assert.Equal([2L, 3L], output["shape"]!.AsArray().Select(d => d!.GetValue<long>()));
        Assert.Equal([2f, 4f, 6f, 8f, 10f, 13f], output["data"]!.AsArray().Select(v => v!.GetValue<float>()));
    }

    [Fact]
    public async Task Infer_FixedShapeModelWithBatchDimension_Returns400NamingTheShape()
    {
        var body = new JsonObject
        {
            ["inputs"] = new JsonArray(HttpInfer.Input("INPUT0", "FP32", [1, 2, 3], [1, 2, 3, 4, 5, 6])),
        };

        using var response = await HttpInfer.PostAsync(_server.Http, TestRepositories.FixedShape, HttpInfer.Json(body));

        var message = await HttpInfer.AssertErrorAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("INPUT0", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelConfig_Grpc_MatchesAutoCompletedHttpConfig()
    {
        var response = await _server.Grpc.ModelConfigAsync(TensorCase.IdentityModelName("INT64")).WithTimeout();

        Assert.Equal(4, response.Config.MaxBatchSize);
        Assert.Equal(DataType.TypeInt64, Assert.Single(response.Config.Input).DataType);
        Assert.Equal([-1L], response.Config.Input[0].Dims);
    }

    private async Task<JsonObject> GetConfigAsync(string model)
    {
        using var response = await _server.Http.GetAsync($"v2/models/{model}/config").WithTimeout();
        var text = await response.Content.ReadAsStringAsync().WithTimeout();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonNode.Parse(text)!.AsObject();
    }
}
