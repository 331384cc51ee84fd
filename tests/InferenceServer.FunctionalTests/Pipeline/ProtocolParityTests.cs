using System.Net;
using System.Text.Json.Nodes;
using Grpc.Core;
using Inference;
using InferenceServer.FunctionalTests.Infrastructure;
using InferenceServer.FunctionalTests.Traffic;
using InferenceServer.ModelBuilder.Repository;
using InferenceServer.ModelBuilder.Samples;

namespace InferenceServer.FunctionalTests.Pipeline;

/// <summary>
/// HTTP and gRPC run one request lifecycle, so the same scenario gives the same result on both.
/// Invariants: a good request and each class of bad request answer the same status (HTTP ↔ gRPC mapping) and, for the
/// checks the pipeline makes, the same message; each counts exactly once in the statistics (a success, or one failure);
/// malformed requests routed to a guarded canary never count against it on either protocol; shadows see the same
/// traffic from both protocols, and never a refused request.
/// </summary>
public sealed class ProtocolParityTests
{
    private const string Simple = "simple";
    private static readonly byte[] SimpleOnnx = SampleRepositoryWriter.CreateSamples().Single(s => s.Name == SampleModelNames.Simple).Onnx;

    /// <summary>One scenario, written for both protocols.</summary>
    public sealed record Scenario(string Name, Func<JsonObject> Http, Func<ModelInferRequest> Grpc, HttpStatusCode Status, StatusCode Code, string? Message);

    private static JsonObject HttpWith(Action<JsonObject> change)
    {
        var body = SimpleRequests.JsonBody(batch: 1);
        change(body);
        return body;
    }

    private static ModelInferRequest GrpcWith(Action<ModelInferRequest> change)
    {
        var request = SimpleRequests.Grpc(batch: 1);
        change(request);
        return request;
    }

    private static readonly Scenario[] Scenarios =
    [
        new("good", () => SimpleRequests.JsonBody(batch: 1), () => SimpleRequests.Grpc(batch: 1), HttpStatusCode.OK, StatusCode.OK, null),
        new("unknown input",
            () => HttpWith(b => b["inputs"]![1]!["name"] = "INPUT9"),
            () => GrpcWith(r => r.Inputs[1].Name = "INPUT9"),
            HttpStatusCode.BadRequest, StatusCode.InvalidArgument, "unexpected inference input 'INPUT9' for model 'simple'"),
        new("wrong datatype",
            () => HttpWith(b => b["inputs"]![1]!["datatype"] = "INT64"),
            () => GrpcWith(r => r.Inputs[1].Datatype = "INT64"),
            HttpStatusCode.BadRequest, StatusCode.InvalidArgument, "inference input 'INPUT1' data-type is 'INT64', but model 'simple' expects 'INT32'"),
        new("wrong shape",
            () => HttpWith(b => b["inputs"]![0]!["shape"] = new JsonArray(1, 15)),
            () => GrpcWith(r => { r.Inputs[0].Shape[1] = 15; r.RawInputContents[0] = Google.Protobuf.ByteString.CopyFrom(new byte[60]); }),
            HttpStatusCode.BadRequest, StatusCode.InvalidArgument, "unexpected shape for input 'INPUT0' for model 'simple'. Expected [-1,16], got [1,15]"),
        new("missing input",
            () => HttpWith(b => b["inputs"]!.AsArray().RemoveAt(1)),
            () => GrpcWith(r => { r.Inputs.RemoveAt(1); r.RawInputContents.RemoveAt(1); }),
            HttpStatusCode.BadRequest, StatusCode.InvalidArgument, "expected 2 inputs but got 1 inputs for model 'simple'"),
        new("unknown output",
            () => HttpWith(b => b["outputs"] = new JsonArray(new JsonObject { ["name"] = "OUTPUT9" })),
            () => GrpcWith(r => r.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = "OUTPUT9" })),
            HttpStatusCode.BadRequest, StatusCode.InvalidArgument, "unexpected inference output 'OUTPUT9' for model 'simple'"),
        new("batch above the limit",
            () => SimpleRequests.JsonBody(batch: 9),
            () => SimpleRequests.Grpc(batch: 9),
            HttpStatusCode.BadRequest, StatusCode.InvalidArgument, "inference request batch-size must be <= 8"),
        new("unknown model",
            () => SimpleRequests.JsonBody(batch: 1),
            () => SimpleRequests.Grpc(batch: 1, model: "nope"),
            HttpStatusCode.NotFound, StatusCode.NotFound, "Request for unknown model: 'nope' is not found"),
    ];

    public static TheoryData<string> ScenarioNames => [.. Scenarios.Select(s => s.Name)];

    [Theory]
    [MemberData(nameof(ScenarioNames))]
    public async Task Scenario_SameAnswerAndStatisticsOnBothProtocols(string name)
    {
        var scenario = Scenarios.Single(s => s.Name == name);
        await using var server = await TestServer.StartAsync(TestRepositories.WriteSimple);
        var model = scenario.Name == "unknown model" ? "nope" : Simple;

        var before = await CountsAsync(server);
        using var response = await HttpInfer.PostAsync(server.Http, model, HttpInfer.Json(scenario.Http()));
        var httpMessage = response.IsSuccessStatusCode ? null : await HttpInfer.AssertErrorAsync(response, scenario.Status);
        Assert.Equal(scenario.Status, response.StatusCode);
        await server.AfterStepsSettledAsync();
        var afterHttp = await CountsAsync(server);

        string? grpcMessage = null;
        var code = StatusCode.OK;
        try
        {
            await server.Grpc.ModelInferAsync(scenario.Grpc());
        }
        catch (RpcException ex)
        {
            (code, grpcMessage) = (ex.StatusCode, ex.Status.Detail);
        }

        await server.AfterStepsSettledAsync();
        var afterGrpc = await CountsAsync(server);

        Assert.Equal(scenario.Code, code);
        Assert.Equal(httpMessage, grpcMessage);
        if (scenario.Message is { } expected)
        {
            Assert.Contains(expected, httpMessage, StringComparison.Ordinal);
        }

        // Each request counts once: as a success, or (when it reached a model) as one failure.
        var (success, fail) = scenario.Status == HttpStatusCode.OK ? (1UL, 0UL) : scenario.Status == HttpStatusCode.NotFound ? (0UL, 0UL) : (0UL, 1UL);
        Assert.Equal((before.Success + success, before.Fail + fail), afterHttp);
        Assert.Equal((afterHttp.Success + success, afterHttp.Fail + fail), afterGrpc);
    }

    private static async Task<(ulong Success, ulong Fail)> CountsAsync(TestServer server)
    {
        var stats = (await server.Grpc.ModelStatisticsAsync(Simple)).ModelStats.Single().InferenceStats;
        return (stats.Success.Count, stats.Fail.Count);
    }

    [Fact]
    public async Task MalformedRequestsToAGuardedCanary_NeverTripTheGuard_OnEitherProtocol()
    {
        await using var server = await TrafficPolicyTests.StartAsync(SimpleOnnx);
        await TrafficPolicyTests.PutPolicyAsync(server, """{"weights": {"1": 10, "2": 90}, "rollback": {"canary": "2", "max_error_rate": 0.1, "min_requests": 20}}""");

        // ~270 of 300 go to the canary on each protocol: far past min_requests and eight evaluation points.
        for (var i = 0; i < 300; i++)
        {
            using var response = await HttpInfer.PostAsync(server.Http, Simple, HttpInfer.Json(HttpWith(b => b["inputs"]![0]!["shape"] = new JsonArray(1, 15))));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var grpc = await Assert.ThrowsAsync<RpcException>(() => server.Grpc.ModelInferAsync(SimpleRequests.GrpcWrongShape()));
            Assert.Equal(StatusCode.InvalidArgument, grpc.StatusCode);
        }

        await server.AfterStepsSettledAsync();
        var traffic = await TrafficPolicyTests.TrafficAsync(server);
        Assert.Null(traffic["rolled_back"]);
        Assert.Equal(90, traffic["policy"]!["weights"]!["2"]!.GetValue<int>());
    }

    [Fact]
    public async Task Shadow_SameMirroredCountsFromBothProtocols_RefusedRequestsNeverMirrored()
    {
        await using var server = await TrafficPolicyTests.StartAsync(TrafficSampleModels.SimpleOffset(1));
        await TrafficPolicyTests.PutPolicyAsync(server, """{"weights": {"1": 100}, "shadow": [{"version": "2", "percent": 100, "queue_size": 1000}]}""");
        var shadow = server.Models.Table.Models[Simple].Traffic!.Shadows.Single();

        for (var i = 0; i < 50; i++)
        {
            using var good = await HttpInfer.PostAsync(server.Http, Simple, SimpleRequests.Json(batch: 1, seed: i));
            Assert.Equal(HttpStatusCode.OK, good.StatusCode);
            using var bad = await HttpInfer.PostAsync(server.Http, Simple, HttpInfer.Json(HttpWith(b => b["inputs"]![1]!["name"] = "INPUT9")));
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        }

        await server.AfterStepsSettledAsync();
        var afterHttp = shadow.Mirrored + shadow.Dropped;

        for (var i = 0; i < 50; i++)
        {
            await server.Grpc.ModelInferAsync(SimpleRequests.Grpc(batch: 1, seed: i));
            await Assert.ThrowsAsync<RpcException>(() => server.Grpc.ModelInferAsync(GrpcWith(r => r.Inputs[1].Name = "INPUT9")));
        }

        await server.AfterStepsSettledAsync();
        Assert.Equal(50, afterHttp);
        Assert.Equal(100, shadow.Mirrored + shadow.Dropped);
    }

    [Fact]
    public async Task LoadWithFileParameters_RefusedAlikeOnBothProtocols()
    {
        await using var server = await TrafficPolicyTests.StartAsync(SimpleOnnx);

        using var http = await server.Http.PostAsync($"v2/repository/models/{Simple}/load", HttpInfer.Json("""{"parameters": {"file:1/model.onnx": "AAAA"}}""")).WithTimeout();
        var httpMessage = await HttpInfer.AssertErrorAsync(http, HttpStatusCode.NotImplemented);

        var request = new RepositoryModelLoadRequest { ModelName = Simple };
        request.Parameters["file:1/model.onnx"] = new ModelRepositoryParameter { BytesParam = Google.Protobuf.ByteString.CopyFrom([1, 2, 3]) };
        var grpc = await Assert.ThrowsAsync<RpcException>(() => server.Grpc.RepositoryModelLoadAsync(request));

        Assert.Equal(StatusCode.Unimplemented, grpc.StatusCode);
        Assert.Equal(httpMessage, grpc.Status.Detail);
        Assert.Contains("supplying model files through the load request is not supported", httpMessage, StringComparison.Ordinal);
    }
}
