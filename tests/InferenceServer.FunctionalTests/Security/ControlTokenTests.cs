using System.Net;
using System.Net.Http.Headers;
using Grpc.Core;
using InferenceServer.Core.Models.Repository;
using InferenceServer.FunctionalTests.Infrastructure;

namespace InferenceServer.FunctionalTests.Security;

/// <summary>
/// The control token on the one authorization point: load, unload and traffic changes need
/// <c>Authorization: Bearer &lt;token&gt;</c> over HTTP and gRPC (401 / UNAUTHENTICATED otherwise, with
/// <c>WWW-Authenticate: Bearer</c>); without a token configured they are off (403 / PERMISSION_DENIED, saying
/// how to turn them on); inference and health stay open either way.
/// </summary>
public sealed class ControlTokenTests
{
    private const string Token = "control-token-for-tests";

    private static Task<TestServer> StartAsync() => TestServer.StartAsync(TestRepositories.WriteSimple, options =>
    {
        options.ModelControlMode = ModelControlMode.Explicit;
        options.LoadModels = ["*"];
        options.ControlToken = Token;
    });

    private static HttpRequestMessage Load(string? token)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, "v2/repository/models/simple/load");
        if (token is not null)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return message;
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-token")]
    [InlineData(Token + "x")]
    public async Task Http_ControlWithoutTheToken_401WithBearerChallenge(string? token)
    {
        await using var server = await StartAsync();

        using var http = server.CreateHttpClient(bearerToken: null);

        using var response = await http.SendAsync(Load(token)).WithTimeout();

        var message = await HttpInfer.AssertErrorAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains("cannot load 'simple'", message, StringComparison.Ordinal);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
        using var traffic = await http.PutAsync("v2/models/simple/traffic", HttpInfer.Json("""{"weights": {"1": 100}}""")).WithTimeout();
        Assert.Equal(HttpStatusCode.Unauthorized, traffic.StatusCode);
    }

    [Fact]
    public async Task Http_ControlWithTheToken_Succeeds_InferenceStaysOpen()
    {
        await using var server = await StartAsync();

        using var http = server.CreateHttpClient(bearerToken: null);

        using var response = await http.SendAsync(Load(Token)).WithTimeout();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var infer = await HttpInfer.PostAsync(http, "simple", SimpleRequests.Json(batch: 1));
        Assert.Equal(HttpStatusCode.OK, infer.StatusCode);
        using var ready = await http.GetAsync("v2/health/ready").WithTimeout();
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    public async Task NoTokenConfigured_ControlIsOff_403SaysHowToTurnItOn()
    {
        await using var server = await TestServer.StartAsync(TestRepositories.WriteSimple, options =>
        {
            options.ModelControlMode = ModelControlMode.Explicit;
            options.LoadModels = ["*"];
            options.ControlToken = null;
        });

        // Any token, even one that would be right for another server, is refused: there is nothing to compare with.
        using var response = await server.Http.SendAsync(Load(TestServer.ControlToken)).WithTimeout();
        var message = await HttpInfer.AssertErrorAsync(response, HttpStatusCode.Forbidden);
        Assert.Contains("--control-token-file", message, StringComparison.Ordinal);
        Assert.Contains("INFERENCE_SERVER_CONTROL_TOKEN", message, StringComparison.Ordinal);
        using var traffic = await server.Http.PutAsync("v2/models/simple/traffic", HttpInfer.Json("""{"weights": {"1": 100}}""")).WithTimeout();
        await HttpInfer.AssertErrorAsync(traffic, HttpStatusCode.Forbidden);

        var error = await Assert.ThrowsAsync<RpcException>(() => server.Grpc.RepositoryModelUnloadAsync("simple").WithTimeout());
        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Contains("--control-token-file", error.Status.Detail, StringComparison.Ordinal);
        Assert.True((await server.Grpc.ModelReadyAsync("simple")).Ready);
        using var infer = await HttpInfer.PostAsync(server.Http, "simple", SimpleRequests.Json(batch: 1));
        Assert.Equal(HttpStatusCode.OK, infer.StatusCode);
    }

    [Fact]
    public async Task Grpc_ControlNeedsTheTokenInMetadata()
    {
        await using var server = await StartAsync();
        var anonymous = new InferenceGrpcClient(server.Channel);
        var error = await Assert.ThrowsAsync<RpcException>(() => anonymous.RepositoryModelUnloadAsync("simple").WithTimeout());
        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        error = await Assert.ThrowsAsync<RpcException>(() => anonymous.RepositoryModelUnloadAsync("simple", new Metadata { { "authorization", "Bearer not-it" } }).WithTimeout());
        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);

        await anonymous.RepositoryModelUnloadAsync("simple", new Metadata { { "authorization", $"Bearer {Token}" } }).WithTimeout();
        Assert.False((await anonymous.ModelReadyAsync("simple")).Ready);
    }
}
