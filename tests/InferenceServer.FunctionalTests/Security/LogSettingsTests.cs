using System.Net;
using System.Text.Json.Nodes;
using Grpc.Core;
using Inference;
using InferenceServer.FunctionalTests.Infrastructure;

namespace InferenceServer.FunctionalTests.Security;

/// <summary>
/// Triton's logging extension (<c>/v2/logging</c>, gRPC <c>LogSettings</c>): reading is open; a change needs the
/// control token — 401 / UNAUTHENTICATED without it, 403 / PERMISSION_DENIED when the server has none — and a bad
/// setting is refused naming it, leaving the settings as they were.
/// </summary>
public sealed class LogSettingsTests
{
    [Fact]
    public async Task Http_ReadOpen_ChangeWithToken_BadSettingRefused()
    {
        await using var server = await TestServer.StartAsync(TestRepositories.WriteSimple);
        using var anonymous = server.CreateHttpClient(bearerToken: null);

        var initial = await ReadAsync(anonymous);
        Assert.False(initial["log_info"]!.GetValue<bool>());
        Assert.Equal(0, initial["log_verbose_level"]!.GetValue<int>());
        Assert.Equal("", initial["log_file"]!.GetValue<string>());

        using (var refused = await anonymous.PostAsync("v2/logging", HttpInfer.Json("""{"log_verbose_level": 1}""")).WithTimeout())
        {
            await HttpInfer.AssertErrorAsync(refused, HttpStatusCode.Unauthorized);
        }

        using (var changed = await server.Http.PostAsync("v2/logging", HttpInfer.Json("""{"log_verbose_level": 1, "log_info": true}""")).WithTimeout())
        {
            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        }

        var after = await ReadAsync(anonymous);
        Assert.Equal(1, after["log_verbose_level"]!.GetValue<int>());
        Assert.True(after["log_info"]!.GetValue<bool>());

        using (var bad = await server.Http.PostAsync("v2/logging", HttpInfer.Json("""{"log_warning": false, "log_file": "/tmp/x.log"}""")).WithTimeout())
        {
            var message = await HttpInfer.AssertErrorAsync(bad, HttpStatusCode.BadRequest);
            Assert.Contains("log_file", message, StringComparison.Ordinal);
        }

        Assert.True((await ReadAsync(anonymous))["log_warning"]!.GetValue<bool>());
    }

    [Fact]
    public async Task NoTokenConfigured_ChangeIs403_ReadStillOpen()
    {
        await using var server = await TestServer.StartAsync(TestRepositories.WriteSimple, options => options.ControlToken = null);

        using var refused = await server.Http.PostAsync("v2/logging", HttpInfer.Json("""{"log_verbose_level": 1}""")).WithTimeout();

        var message = await HttpInfer.AssertErrorAsync(refused, HttpStatusCode.Forbidden);
        Assert.Contains("--control-token-file", message, StringComparison.Ordinal);
        Assert.Equal(0, (await ReadAsync(server.Http))["log_verbose_level"]!.GetValue<int>());
    }

    [Fact]
    public async Task Grpc_EmptyRequestReads_ChangeNeedsToken()
    {
        await using var server = await TestServer.StartAsync(TestRepositories.WriteSimple);
        var anonymous = new InferenceGrpcClient(server.Channel);

        var read = await anonymous.LogSettingsAsync(new LogSettingsRequest()).WithTimeout();
        Assert.Equal(0u, read.Settings["log_verbose_level"].Uint32Param);

        var change = new LogSettingsRequest();
        change.Settings["log_verbose_level"] = new LogSettingsRequest.Types.SettingValue { Uint32Param = 2 };
        var error = await Assert.ThrowsAsync<RpcException>(() => anonymous.LogSettingsAsync(change).WithTimeout());
        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);

        var changed = await server.Grpc.LogSettingsAsync(change).WithTimeout();
        Assert.Equal(2u, changed.Settings["log_verbose_level"].Uint32Param);

        var bad = new LogSettingsRequest();
        bad.Settings["log_info"] = new LogSettingsRequest.Types.SettingValue { StringParam = "yes" };
        error = await Assert.ThrowsAsync<RpcException>(() => server.Grpc.LogSettingsAsync(bad).WithTimeout());
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("log_info must be a boolean", error.Status.Detail, StringComparison.Ordinal);
    }

    private static async Task<JsonObject> ReadAsync(HttpClient http)
    {
        using var response = await http.GetAsync("v2/logging").WithTimeout();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync().WithTimeout())!.AsObject();
    }
}
