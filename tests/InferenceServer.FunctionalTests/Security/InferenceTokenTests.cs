using System.Net;
using Grpc.Core;
using InferenceServer.Core.Models.Repository;
using InferenceServer.FunctionalTests.Infrastructure;

namespace InferenceServer.FunctionalTests.Security;

/// <summary>
/// The optional inference token: with one configured, inference, metadata and statistics need it over HTTP and
/// gRPC (401 with <c>WWW-Authenticate: Bearer</c> / UNAUTHENTICATED); health stays open for probes, the metrics
/// port for scrapers, and control calls answer to the control token alone.
/// </summary>
public sealed class InferenceTokenTests : IClassFixture<InferenceTokenTests.Fixture>
{
    private const string Token = "inference-token-for-tests";

    private readonly TestServer _server;

    public InferenceTokenTests(Fixture fixture)
    {
        _server = fixture.Server;
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong")]
    [InlineData(TestServer.ControlToken)]
    public async Task Http_InferenceAndMetadata_WithoutTheToken_401(string? token)
    {
        using var http = _server.CreateHttpClient(token);

        using var infer = await HttpInfer.PostAsync(http, "simple", SimpleRequests.Json(batch: 1));
        await HttpInfer.AssertErrorAsync(infer, HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", Assert.Single(infer.Headers.WwwAuthenticate).Scheme);
        foreach (var path in new[] { "v2", "v2/models/simple", "v2/models/simple/config", "v2/models/simple/stats" })
        {
            using var response = await http.GetAsync(path).WithTimeout();
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{path}: {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task Http_WithTheToken_Served_HealthAndMetricsOpen()
    {
        using var http = _server.CreateHttpClient(Token);
        using var anonymous = _server.CreateHttpClient(null);

        using var infer = await HttpInfer.PostAsync(http, "simple", SimpleRequests.Json(batch: 1));
        Assert.Equal(HttpStatusCode.OK, infer.StatusCode);
        using var metadata = await http.GetAsync("v2/models/simple").WithTimeout();
        Assert.Equal(HttpStatusCode.OK, metadata.StatusCode);
        foreach (var path in new[] { "v2/health/live", "v2/health/ready", "v2/models/simple/ready" })
        {
            using var response = await anonymous.GetAsync(path).WithTimeout();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode}");
        }

        using var metrics = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_server.MetricsPort}/"), Timeout = TestTimeouts.Request };
        using var scrape = await metrics.GetAsync("metrics").WithTimeout();
        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
    }

    [Fact]
    public async Task Grpc_InferenceNeedsTheToken_ProbesOpen()
    {
        var anonymous = new InferenceGrpcClient(_server.Channel);
        var withToken = new InferenceGrpcClient(_server.Channel, Token);

        var error = await Assert.ThrowsAsync<RpcException>(() => anonymous.ModelInferAsync(SimpleRequests.Grpc(batch: 1)).WithTimeout());
        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Contains("--inference-token-file", error.Status.Detail, StringComparison.Ordinal);
        error = await Assert.ThrowsAsync<RpcException>(() => anonymous.ModelMetadataAsync("simple").WithTimeout());
        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);

        Assert.Equal(2, (await withToken.ModelInferAsync(SimpleRequests.Grpc(batch: 1)).WithTimeout()).RawOutputContents.Count);
        Assert.True((await anonymous.ServerLiveAsync().WithTimeout()).Live);
        Assert.True((await anonymous.ServerReadyAsync().WithTimeout()).Ready);
        Assert.True((await anonymous.ModelReadyAsync("simple").WithTimeout()).Ready);
        Assert.Equal(global::Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving, (await anonymous.HealthCheckAsync().WithTimeout()).Status);
    }

    [Fact]
    public async Task ControlCalls_AnswerToTheControlTokenAlone()
    {
        // The server's own clients carry the control token, not the inference token.
        using var load = await _server.Http.PostAsync("v2/repository/models/simple/load", content: null).WithTimeout();
        Assert.Equal(HttpStatusCode.OK, load.StatusCode);
        await _server.Grpc.RepositoryModelLoadAsync("simple").WithTimeout();
    }

    public sealed class Fixture : TestServerFixture
    {
        private protected override Task<TestServer> StartAsync() => TestServer.StartAsync(TestRepositories.WriteSimple, options =>
        {
            options.ModelControlMode = ModelControlMode.Explicit;
            options.LoadModels = ["*"];
            options.InferenceToken = Token;
        });
    }
}
