using System.Net;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Grpc.Core;
using Inference;
using InferenceServer.Core.Tensors;
using InferenceServer.FunctionalTests.Infrastructure;

namespace InferenceServer.FunctionalTests.Classification;

/// <summary>The server over <see cref="ClassificationRepositories"/> (one model's label file is missing, so it fails to load).</summary>
public sealed class ClassificationServerFixture : TestServerFixture
{
    private protected override async Task<TestServer> StartAsync()
    {
        var server = await TestServer.StartAsync(ClassificationRepositories.Write);
        server.ExpectLoadFailures(ClassificationRepositories.MissingLabels);
        return server;
    }
}

/// <summary>
/// The classification extension over HTTP (<c>"classification": k</c>) and gRPC (<c>classification</c> int64_param).
/// Invariants: the output comes back as BYTES "value:index[:label]", largest first, ties by index, values as C++'s
/// <c>std::to_string</c>; k = 1, k = all and k above the class count (which returns every class); per batch row
/// (<c>[batch, k]</c>) or over the whole tensor for a model that does not batch (<c>[k]</c>); outputs not asked for are
/// unchanged; a label file that is named but missing fails that model's load naming the field.
/// </summary>
public sealed class ClassificationTests(ClassificationServerFixture fixture) : IClassFixture<ClassificationServerFixture>
{
    // Row 0 ties at indices 1 and 3; row 1 is in ascending order.
    private static readonly float[] Row0 = [0.1f, 0.7f, 0.2f, 0.7f];
    private static readonly float[] Row1 = [1f, 2f, 3f, 4f];

    private readonly TestServer _server = fixture.Server;

    public static TheoryData<int, string[]> LabelledRow0() => new()
    {
        { 1, ["0.700000:1:dog"] },
        { 4, ["0.700000:1:dog", "0.700000:3", "0.200000:2:bird", "0.100000:0:cat"] },
        { 10, ["0.700000:1:dog", "0.700000:3", "0.200000:2:bird", "0.100000:0:cat"] },
    };

    [Theory]
    [MemberData(nameof(LabelledRow0))]
    public async Task Http_LabelledOutput_TopKWithLabels(int k, string[] expected)
    {
        var result = await InferHttpAsync(ClassificationRepositories.Batching, [Row0], Output("OUTPUT0", k));

        var output = result.Output("OUTPUT0");
        Assert.Equal("BYTES", output["datatype"]!.GetValue<string>());
        Assert.Equal([1L, expected.Length], output["shape"]!.AsArray().Select(d => d!.GetValue<long>()));
        Assert.Equal(expected, output["data"]!.AsArray().Select(v => v!.GetValue<string>()));
    }

    [Theory]
    [MemberData(nameof(LabelledRow0))]
    public async Task Grpc_LabelledOutput_TopKWithLabels(int k, string[] expected)
    {
        var response = await InferGrpcAsync(ClassificationRepositories.Batching, [Row0], ("OUTPUT0", k));

        var output = Assert.Single(response.Outputs);
        Assert.Equal("BYTES", output.Datatype);
        Assert.Equal([1L, expected.Length], output.Shape);
        Assert.Equal(expected, Strings(response.RawOutputContents[0]));
    }

    [Fact]
    public async Task Http_UnlabelledOutputBatchOfTwo_PerRowWithoutLabels_OtherOutputsUnchanged()
    {
        var body = Body([Row0, Row1]);
        body["outputs"] = new JsonArray(Output("OUTPUT1", 2), new JsonObject { ["name"] = "OUTPUT0" });

        using var response = await HttpInfer.PostAsync(_server.Http, ClassificationRepositories.Batching, HttpInfer.Json(body)).WithTimeout();
        var result = await HttpInfer.ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, result.Status);
        var classes = result.Output("OUTPUT1");
        Assert.Equal([2L, 2L], classes["shape"]!.AsArray().Select(d => d!.GetValue<long>()));
        Assert.Equal(["0.700000:1", "0.700000:3", "4.000000:3", "3.000000:2"], classes["data"]!.AsArray().Select(v => v!.GetValue<string>()));
        var sums = result.Output("OUTPUT0");
        Assert.Equal("FP32", sums["datatype"]!.GetValue<string>());
        Assert.Equal(Row0.Concat(Row1), sums["data"]!.AsArray().Select(v => v!.GetValue<float>()));
    }

    [Fact]
    public async Task Http_BinaryClassificationOutput_LengthPrefixedStrings()
    {
        var body = Body([Row1]);
        var output = Output("OUTPUT0", 2);
        output["parameters"]!["binary_data"] = true;
        body["outputs"] = new JsonArray(output);

        using var response = await HttpInfer.PostAsync(_server.Http, ClassificationRepositories.Batching, HttpInfer.Json(body)).WithTimeout();
        var result = await HttpInfer.ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.Equal(["4.000000:3", "3.000000:2:bird"], Strings(ByteString.CopyFrom(result.Binary["OUTPUT0"])));
    }

    [Fact]
    public async Task Grpc_NotBatchingModel_WholeTensorShapeK()
    {
        var request = Request(ClassificationRepositories.Flat, [Row1], ("OUTPUT0", 3));
        request.Inputs[0].Shape.Clear();
        request.Inputs[0].Shape.Add(4);
        request.Inputs[1].Shape.Clear();
        request.Inputs[1].Shape.Add(4);

        var response = await _server.Grpc.ModelInferAsync(request).WithTimeout();

        Assert.Equal([3L], response.Outputs[0].Shape);
        Assert.Equal(["4.000000:3", "3.000000:2:bird", "2.000000:1:dog"], Strings(response.RawOutputContents[0]));
    }

    [Fact]
    public async Task Http_IntegerOutput_PlainDecimals()
    {
        var body = SimpleRequests.JsonBody(batch: 1);
        body["outputs"] = new JsonArray(Output("OUTPUT0", 2));

        using var response = await HttpInfer.PostAsync(_server.Http, "simple", HttpInfer.Json(body)).WithTimeout();
        var result = await HttpInfer.ReadAsync(response);

        // simple's OUTPUT0 = (0..15) + 1.
        Assert.Equal(["16:15", "15:14"], result.Output("OUTPUT0")["data"]!.AsArray().Select(v => v!.GetValue<string>()));
    }

    [Fact]
    public async Task Grpc_ClassificationZero_ReturnsInvalidArgument()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _server.Grpc.ModelInferAsync(Request(ClassificationRepositories.Batching, [Row0], ("OUTPUT0", 0))).WithTimeout());

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("classification", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingLabelFile_ModelFailsToLoadNamingTheField()
    {
        var entry = _server.Models.Table.Models[ClassificationRepositories.MissingLabels];

        var reason = Assert.Single(entry.Versions).Reason;
        Assert.Contains("label_filename 'no_such_labels.txt'", reason, StringComparison.Ordinal);
    }

    private static JsonObject Output(string name, int k) => new() { ["name"] = name, ["parameters"] = new JsonObject { ["classification"] = k } };

    private static JsonObject Body(float[][] rows)
    {
        var shape = HttpInfer.ShapeArray([rows.Length, 4]);
        return new JsonObject
        {
            ["inputs"] = new JsonArray(
                new JsonObject { ["name"] = "INPUT0", ["datatype"] = "FP32", ["shape"] = shape.DeepClone(), ["data"] = new JsonArray([.. rows.SelectMany(r => r).Select(v => (JsonNode)v)]) },
                new JsonObject { ["name"] = "INPUT1", ["datatype"] = "FP32", ["shape"] = shape.DeepClone(), ["data"] = new JsonArray([.. rows.SelectMany(r => r).Select(_ => (JsonNode)0f)]) }),
        };
    }

    private async Task<InferResult> InferHttpAsync(string model, float[][] rows, JsonObject output)
    {
        var body = Body(rows);
        body["outputs"] = new JsonArray(output);
        using var response = await HttpInfer.PostAsync(_server.Http, model, HttpInfer.Json(body)).WithTimeout();
        var result = await HttpInfer.ReadAsync(response);
        Assert.Equal(HttpStatusCode.OK, result.Status);
        return result;
    }

    private Task<ModelInferResponse> InferGrpcAsync(string model, float[][] rows, (string Name, int K) output) =>
        _server.Grpc.ModelInferAsync(Request(model, rows, output)).WithTimeout();

    private static ModelInferRequest Request(string model, float[][] rows, (string Name, int K) output)
    {
        var request = new ModelInferRequest { ModelName = model };
        foreach (var name in new[] { "INPUT0", "INPUT1" })
        {
            var tensor = new ModelInferRequest.Types.InferInputTensor { Name = name, Datatype = "FP32" };
            tensor.Shape.Add([rows.Length, 4]);
            request.Inputs.Add(tensor);
        }

        request.RawInputContents.Add(ByteString.CopyFrom(TensorCase.Pack(rows.SelectMany(r => r).ToArray())));
        request.RawInputContents.Add(ByteString.CopyFrom(new byte[rows.Length * 4 * sizeof(float)]));
        var requested = new ModelInferRequest.Types.InferRequestedOutputTensor { Name = output.Name };
        requested.Parameters["classification"] = new InferParameter { Int64Param = output.K };
        request.Outputs.Add(requested);
        return request;
    }

    private static string[] Strings(ByteString raw)
    {
        var data = raw.Span;
        var strings = new List<string>();
        while (!data.IsEmpty)
        {
            strings.Add(System.Text.Encoding.UTF8.GetString(BytesTensor.ReadElement(ref data)));
        }

        return [.. strings];
    }
}
