using System.Net;
using InferenceServer.Client.Errors;
using InferenceServer.Core.Models.Repository;
using InferenceServer.FunctionalTests.Infrastructure;

namespace InferenceServer.FunctionalTests.Client;

/// <summary>
/// The client's control calls against a server in explicit model-control mode with an inference token: load and
/// unload carry the control token and are refused (typed, with the server's words) without it; data-plane calls
/// carry the inference token; a traffic policy is set and read back over HTTP.
/// </summary>
public sealed class ClientControlTests : IClassFixture<ClientControlTests.Fixture>
{
    private const string InferenceToken = "client-tests-inference-token";
    private readonly TestServer _server;

    public ClientControlTests(Fixture fixture) => _server = fixture.Server;

    [Theory]
    [MemberData(nameof(ClientProtocols.Both), MemberType = typeof(ClientProtocols))]
    public async Task LoadAndUnload_WithTheControlToken_ChangeTheRepository(string protocol)
    {
        using var client = ClientProtocols.Create(_server, protocol, options => options.InferenceToken = InferenceToken);

        await client.UnloadModelAsync("simple");
        Assert.False(await client.IsModelReadyAsync("simple"));
        Assert.DoesNotContain(await client.GetRepositoryIndexAsync(readyOnly: true), row => row.Name == "simple");

        await client.LoadModelAsync("simple");
        Assert.True(await client.IsModelReadyAsync("simple"));
        using var result = await client.InferAsync(ClientCallTests.SimpleRequest());
        Assert.Equal(1, result.GetOutput<int>("OUTPUT0")[0]);
    }

    [Theory]
    [MemberData(nameof(ClientProtocols.Both), MemberType = typeof(ClientProtocols))]
    public async Task Tokens_Missing_AreRefusedWithTheServersWords(string protocol)
    {
        using var client = ClientProtocols.Create(_server, protocol, options =>
        {
            options.ControlToken = null;
            options.InferenceToken = null;
        });

        var unload = await Assert.ThrowsAsync<InferenceServerException>(() => client.UnloadModelAsync("simple"));
        Assert.Contains("cannot unload 'simple'", unload.ServerMessage, StringComparison.Ordinal);
        var infer = await Assert.ThrowsAsync<InferenceServerException>(() => client.InferAsync(ClientCallTests.SimpleRequest()));
        Assert.Contains("inference", infer.ServerMessage, StringComparison.Ordinal);
        if (protocol == ClientProtocols.Http)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, infer.HttpStatus);
        }
        else
        {
            Assert.Equal(global::Grpc.Core.StatusCode.Unauthenticated, infer.GrpcStatus);
        }

        // Open calls need no token.
        Assert.True(await client.IsModelReadyAsync("simple"));
    }

    [Fact]
    public async Task LoadWithConfig_OverridesTheConfiguration()
    {
        using var client = ClientProtocols.Create(_server, ClientProtocols.Http, options => options.InferenceToken = InferenceToken);

        await client.LoadModelAsync("simple", """{"name":"simple","platform":"onnxruntime_onnx","max_batch_size":4}""");
        Assert.Equal(4, (await client.GetModelConfigAsync("simple")).MaxBatchSize);
        await client.LoadModelAsync("simple", """{"name":"simple","platform":"onnxruntime_onnx","max_batch_size":8}""");
        Assert.Equal(8, (await client.GetModelConfigAsync("simple")).MaxBatchSize);
    }

    [Fact]
    public async Task TrafficPolicy_SetAndRead_OverHttp()
    {
        using var client = ClientProtocols.Create(_server, ClientProtocols.Http, options => options.InferenceToken = InferenceToken);

        var bad = await Assert.ThrowsAsync<InferenceServerException>(() => client.SetTrafficPolicyAsync("simple", "{\"weights\": 7}"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.HttpStatus);
        Assert.Contains("traffic policy", bad.ServerMessage, StringComparison.Ordinal);
        Assert.StartsWith("{", await client.GetTrafficPolicyAsync("simple"), StringComparison.Ordinal);
    }

    public sealed class Fixture : TestServerFixture
    {
        private protected override Task<TestServer> StartAsync() => TestServer.StartAsync(TestRepositories.WriteSimple, options =>
        {
            options.ModelControlMode = ModelControlMode.Explicit;
            options.LoadModels = ["*"];
            options.InferenceToken = InferenceToken;
        });
    }
}
