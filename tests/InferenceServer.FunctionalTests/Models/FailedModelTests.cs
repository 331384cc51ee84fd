using System.Net;
using System.Text.Json.Nodes;
using Grpc.Core;
using Grpc.Health.V1;
using InferenceServer.FunctionalTests.Infrastructure;

namespace InferenceServer.FunctionalTests.Models;

/// <summary>
/// A repository where two models fail to load (an ONNX file that is not one; a config.pbtxt with an
/// unknown field) next to a good one. The server keeps serving the good model, reports the failures with
/// reasons in the repository index, answers requests for the failed ones UNAVAILABLE, and is not ready
/// under strict readiness.
/// </summary>
public sealed class FailedModelTests : IClassFixture<FailedModelTests.Fixture>
{
    private readonly TestServer _server;

    public FailedModelTests(Fixture fixture)
    {
        _server = fixture.Server;
    }

    [Fact]
    public async Task RepositoryIndex_CorruptOnnx_ShowsUnavailableWithLoaderReason()
    {
        var entry = await IndexEntryAsync(TestRepositories.CorruptOnnx);

        Assert.Equal("UNAVAILABLE", entry["state"]!.GetValue<string>());
        Assert.Equal("1", entry["version"]!.GetValue<string>());
        var reason = entry["reason"]!.GetValue<string>();
        Assert.Contains("model.onnx", reason, StringComparison.Ordinal);
        Assert.Contains("ONNX Runtime", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RepositoryIndex_UnknownConfigField_ShowsUnavailableWithFileLineAndField()
    {
        var entry = await IndexEntryAsync(TestRepositories.BadConfig);

        Assert.Equal("UNAVAILABLE", entry["state"]!.GetValue<string>());
        var reason = entry["reason"]!.GetValue<string>();
        Assert.Contains(Path.Combine(TestRepositories.BadConfig, "config.pbtxt") + ":3:", reason, StringComparison.Ordinal);
        Assert.Contains(TestRepositories.UnknownConfigField, reason, StringComparison.Ordinal);
        Assert.Contains("unknown field", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RepositoryIndexGrpc_FailedModels_ShowUnavailableWithReasons()
    {
        var index = await _server.Grpc.RepositoryIndexAsync().WithTimeout();

        var corrupt = Assert.Single(index.Models, m => m.Name == TestRepositories.CorruptOnnx);
        Assert.Equal("UNAVAILABLE", corrupt.State);
        Assert.Contains("model.onnx", corrupt.Reason, StringComparison.Ordinal);
        var badConfig = Assert.Single(index.Models, m => m.Name == TestRepositories.BadConfig);
        Assert.Equal("UNAVAILABLE", badConfig.State);
        Assert.Contains(TestRepositories.UnknownConfigField, badConfig.Reason, StringComparison.Ordinal);
        Assert.Equal("READY", Assert.Single(index.Models, m => m.Name == "simple").State);
    }

    [Fact]
    public async Task RepositoryIndex_ReadyOnly_LeavesFailedModelsOut()
    {
        using var response = await _server.Http.PostAsync("v2/repository/index", HttpInfer.Json("""{"ready":true}""")).WithTimeout();
        var index = JsonNode.Parse(await response.Content.ReadAsStringAsync().WithTimeout())!.AsArray();

        Assert.Equal(["simple"], index.Select(m => m!["name"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData(TestRepositories.CorruptOnnx)]
    [InlineData(TestRepositories.BadConfig)]
    public async Task HttpInfer_FailedModel_Returns503NamingTheModel(string model)
    {
        var body = new JsonObject { ["inputs"] = new JsonArray(HttpInfer.Input("INPUT0", "FP32", [1, 1], [1])) };

        using var response = await HttpInfer.PostAsync(_server.Http, model, HttpInfer.Json(body));

        var message = await HttpInfer.AssertErrorAsync(response, HttpStatusCode.ServiceUnavailable);
        Assert.Contains(model, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HttpInfer_FailedModelVersionInPath_Returns503()
    {
        var body = new JsonObject { ["inputs"] = new JsonArray(HttpInfer.Input("INPUT0", "FP32", [1, 1], [1])) };

        using var response = await _server.Http.PostAsync($"v2/models/{TestRepositories.CorruptOnnx}/versions/1/infer", HttpInfer.Json(body)).WithTimeout();

        await HttpInfer.AssertErrorAsync(response, HttpStatusCode.ServiceUnavailable);
    }

    [Theory]
    [InlineData(TestRepositories.CorruptOnnx)]
    [InlineData(TestRepositories.BadConfig)]
    public async Task GrpcInfer_FailedModel_ReturnsUnavailable(string model)
    {
        var request = SimpleRequests.Grpc(batch: 1, model: model);

        var error = await Assert.ThrowsAsync<RpcException>(() => _server.Grpc.ModelInferAsync(request).WithTimeout());

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains(model, error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelReady_FailedModel_Returns400NotReady()
    {
        using var response = await _server.Http.GetAsync($"v2/models/{TestRepositories.CorruptOnnx}/ready").WithTimeout();

        Assert.Equal("Model version not ready", await HttpInfer.AssertErrorAsync(response, HttpStatusCode.BadRequest));
        Assert.False((await _server.Grpc.ModelReadyAsync(TestRepositories.CorruptOnnx).WithTimeout()).Ready);
    }

    [Fact]
    public async Task GoodModel_BesideFailedOnes_StillServes()
    {
        using var response = await HttpInfer.PostAsync(_server.Http, "simple", SimpleRequests.Json(1));
        var result = await HttpInfer.ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.Equal(SimpleRequests.Sum(SimpleRequests.Input0(1), SimpleRequests.Input1(1)), result.Int32Data("OUTPUT0"));
    }

    [Fact]
    public async Task HealthReady_StrictReadinessWithFailedModel_Returns400WithEmptyBody()
    {
        using var response = await _server.Http.GetAsync("v2/health/ready").WithTimeout();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync().WithTimeout());
    }

    [Fact]
    public async Task HealthLive_WithFailedModel_Returns200()
    {
        using var response = await _server.Http.GetAsync("v2/health/live").WithTimeout();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task GrpcReadiness_StrictReadinessWithFailedModel_NotReadyAndNotServing()
    {
        Assert.False((await _server.Grpc.ServerReadyAsync().WithTimeout()).Ready);
        Assert.True((await _server.Grpc.ServerLiveAsync().WithTimeout()).Live);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, (await _server.Grpc.HealthCheckAsync().WithTimeout()).Status);
    }

    [Fact]
    public async Task HealthReady_LenientReadinessWithFailedModel_Returns200()
    {
        await using var lenient = await TestServer.StartAsync(TestRepositories.WriteWithFailures, o => o.StrictReadiness = false).WaitAsync(TestTimeouts.Server);
        lenient.ExpectLoadFailures(TestRepositories.BadConfig, TestRepositories.CorruptOnnx);

        using var response = await lenient.Http.GetAsync("v2/health/ready").WithTimeout();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((await lenient.Grpc.ServerReadyAsync().WithTimeout()).Ready);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await lenient.Grpc.HealthCheckAsync().WithTimeout()).Status);
    }

    private async Task<JsonNode> IndexEntryAsync(string model)
    {
        using var response = await _server.Http.PostAsync("v2/repository/index", null).WithTimeout();
        var index = JsonNode.Parse(await response.Content.ReadAsStringAsync().WithTimeout())!.AsArray();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Assert.Single(index, m => m!["name"]!.GetValue<string>() == model)!;
    }

    /// <summary>A server over <see cref="TestRepositories.WriteWithFailures"/> with default (strict) readiness.</summary>
    public sealed class Fixture : TestServerFixture
    {
        private protected override async Task<TestServer> StartAsync()
        {
            var server = await TestServer.StartAsync(TestRepositories.WriteWithFailures);

            // The repository's broken models fail their loads on purpose.
            server.ExpectLoadFailures(TestRepositories.BadConfig, TestRepositories.CorruptOnnx);
            return server;
        }
    }
}
