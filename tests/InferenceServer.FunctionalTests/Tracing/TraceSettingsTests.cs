using System.Net;
using System.Text.Json.Nodes;
using Grpc.Core;
using Inference;
using InferenceServer.FunctionalTests.Infrastructure;

namespace InferenceServer.FunctionalTests.Tracing;

/// <summary>
/// Triton's trace extension settings (<c>/v2[/models/{m}]/trace/setting</c>, gRPC <c>TraceSetting</c>): reads are open,
/// changes need the control token, a model's settings override the server's field by field and a null clears one, a
/// bad setting is refused naming it and changes nothing, and a client can never choose where a trace file goes.
/// </summary>
public sealed class TraceSettingsTests
{
    [Fact]
    public async Task Http_DefaultsAreTritons_ChangeNeedsToken_RoundTrips()
    {
        await using var server = await TestServer.StartAsync(TestRepositories.WriteSimple);
        using var anonymous = server.CreateHttpClient(bearerToken: null);

        var initial = await ReadAsync(anonymous, "v2/trace/setting");
        Assert.Equal(["OFF"], Levels(initial));
        Assert.Equal("1000", initial["trace_rate"]!.GetValue<string>());
        Assert.Equal("-1", initial["trace_count"]!.GetValue<string>());
        Assert.Equal("0", initial["log_frequency"]!.GetValue<string>());
        Assert.Equal("", initial["trace_file"]!.GetValue<string>());
        Assert.Equal("triton", initial["trace_mode"]!.GetValue<string>());

        using (var refused = await anonymous.PostAsync("v2/trace/setting", HttpInfer.Json("""{"trace_rate": "5"}""")).WithTimeout())
        {
            await HttpInfer.AssertErrorAsync(refused, HttpStatusCode.Unauthorized);
        }

        using (var changed = await server.Http.PostAsync("v2/trace/setting", HttpInfer.Json("""{"trace_rate": "5", "trace_count": "3", "log_frequency": 2}""")).WithTimeout())
        {
            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
            var answered = JsonNode.Parse(await changed.Content.ReadAsStringAsync())!;
            Assert.Equal("5", answered["trace_rate"]!.GetValue<string>());
        }

        var after = await ReadAsync(anonymous, "v2/trace/setting");
        Assert.Equal("5", after["trace_rate"]!.GetValue<string>());
        Assert.Equal("3", after["trace_count"]!.GetValue<string>());
        Assert.Equal("2", after["log_frequency"]!.GetValue<string>());
    }

    [Fact]
    public async Task Http_ModelOverridesServer_FieldByField_NullClears()
    {
        using var traces = new TraceDirectory();
        await using var server = await TestServer.StartAsync(TestRepositories.WriteSimple, options => options.TraceDirectory = traces.Path);

        await ChangeAsync(server.Http, "v2/trace/setting", """{"trace_file": "server.json", "trace_level": ["TIMESTAMPS"], "trace_rate": "1"}""");
        var model = await ChangeAsync(server.Http, "v2/models/simple/trace/setting", """{"trace_rate": "7", "trace_file": "simple.json"}""");
        Assert.Equal("7", model["trace_rate"]!.GetValue<string>());
        Assert.Equal(["TIMESTAMPS"], Levels(model));
        Assert.Equal(traces.File("simple.json"), model["trace_file"]!.GetValue<string>());
        Assert.Equal("1", (await ReadAsync(server.Http, "v2/trace/setting"))["trace_rate"]!.GetValue<string>());

        // A setting the model does not override follows the server's when it changes.
        await ChangeAsync(server.Http, "v2/trace/setting", """{"trace_count": "9"}""");
        Assert.Equal("9", (await ReadAsync(server.Http, "v2/models/simple/trace/setting"))["trace_count"]!.GetValue<string>());

        var cleared = await ChangeAsync(server.Http, "v2/models/simple/trace/setting", """{"trace_rate": null}""");
        Assert.Equal("1", cleared["trace_rate"]!.GetValue<string>());
        Assert.Equal(traces.File("simple.json"), cleared["trace_file"]!.GetValue<string>());

        // An empty change drops the model's own settings altogether.
        var dropped = await ChangeAsync(server.Http, "v2/models/simple/trace/setting", "{}");
        Assert.Equal(traces.File("server.json"), dropped["trace_file"]!.GetValue<string>());
    }

    [Fact]
    public async Task Grpc_EmptyRequestReads_ChangeNeedsToken_ModelOverrides_NoValuesClears()
    {
        using var traces = new TraceDirectory();
        await using var server = await TestServer.StartAsync(TestRepositories.WriteSimple, options => options.TraceDirectory = traces.Path);
        var anonymous = new InferenceGrpcClient(server.Channel);

        var read = await anonymous.TraceSettingAsync(new TraceSettingRequest()).WithTimeout();
        Assert.Equal(["OFF"], read.Settings["trace_level"].Value);
        Assert.Equal(["1000"], read.Settings["trace_rate"].Value);
        Assert.Equal(["triton"], read.Settings["trace_mode"].Value);

        var change = Request(("trace_level", ["TIMESTAMPS"]), ("trace_file", ["grpc.json"]), ("trace_rate", ["4"]));
        var error = await Assert.ThrowsAsync<RpcException>(() => anonymous.TraceSettingAsync(change).WithTimeout());
        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);

        var changed = await server.Grpc.TraceSettingAsync(change).WithTimeout();
        Assert.Equal(["TIMESTAMPS"], changed.Settings["trace_level"].Value);
        Assert.Equal([traces.File("grpc.json")], changed.Settings["trace_file"].Value);

        var model = Request(("trace_rate", ["2"]));
        model.ModelName = "simple";
        Assert.Equal(["2"], (await server.Grpc.TraceSettingAsync(model).WithTimeout()).Settings["trace_rate"].Value);
        Assert.Equal(["4"], (await anonymous.TraceSettingAsync(new TraceSettingRequest()).WithTimeout()).Settings["trace_rate"].Value);

        var clear = Request(("trace_rate", []));
        clear.ModelName = "simple";
        Assert.Equal(["4"], (await server.Grpc.TraceSettingAsync(clear).WithTimeout()).Settings["trace_rate"].Value);

        // The HTTP view is the same settings.
        Assert.Equal("4", (await ReadAsync(server.Http, "v2/models/simple/trace/setting"))["trace_rate"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"trace_rate": "-1"}""", "trace_rate")]
    [InlineData("""{"trace_rate": ["1", "2"]}""", "trace_rate")]
    [InlineData("""{"trace_count": "-2"}""", "trace_count")]
    [InlineData("""{"log_frequency": "often"}""", "log_frequency")]
    [InlineData("""{"trace_level": ["LOUD"]}""", "trace_level")]
    [InlineData("""{"trace_level": ["OFF", "TIMESTAMPS"]}""", "trace_level")]
    [InlineData("""{"trace_level": ["TIMESTAMPS"]}""", "trace_file")]
    [InlineData("""{"trace_file": "/etc/cron.d/x"}""", "trace_file")]
    [InlineData("""{"trace_file": "../escape.json"}""", "trace_file")]
    [InlineData("""{"trace_file": "sub/dir.json"}""", "trace_file")]
    [InlineData("""{"trace_mode": "opentelemetry"}""", "trace_mode")]
    [InlineData("""{"trace_rate": null}""", "trace_rate")]
    [InlineData("""{"trace_rat": "1"}""", "trace_rat")]
    public async Task Http_BadSetting_RefusedNamingIt_NothingChanges(string body, string field)
    {
        using var traces = new TraceDirectory();
        await using var server = await TestServer.StartAsync(TestRepositories.WriteSimple, options => options.TraceDirectory = traces.Path);

        using var refused = await server.Http.PostAsync("v2/trace/setting", HttpInfer.Json($$"""{"trace_count": "5", {{body[1..]}}""")).WithTimeout();

        var message = await HttpInfer.AssertErrorAsync(refused, HttpStatusCode.BadRequest);
        Assert.Contains(field, message, StringComparison.Ordinal);
        var settings = await ReadAsync(server.Http, "v2/trace/setting");
        Assert.Equal("-1", settings["trace_count"]!.GetValue<string>());
        Assert.Equal("", settings["trace_file"]!.GetValue<string>());
    }

    [Fact]
    public async Task Grpc_BadSetting_InvalidArgumentNamingIt()
    {
        await using var server = await TestServer.StartAsync(TestRepositories.WriteSimple);

        var error = await Assert.ThrowsAsync<RpcException>(() => server.Grpc.TraceSettingAsync(Request(("log_frequency", ["-3"]))).WithTimeout());

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("log_frequency", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TraceFile_WithoutOperatorDirectory_NoClientChoosesAFile()
    {
        await using var server = await TestServer.StartAsync(TestRepositories.WriteSimple);

        using var refused = await server.Http.PostAsync("v2/trace/setting", HttpInfer.Json("""{"trace_file": "trace.json"}""")).WithTimeout();

        var message = await HttpInfer.AssertErrorAsync(refused, HttpStatusCode.BadRequest);
        Assert.Contains("trace_file", message, StringComparison.Ordinal);
        Assert.Contains("--trace-directory", message, StringComparison.Ordinal);
        var grpc = await Assert.ThrowsAsync<RpcException>(() => server.Grpc.TraceSettingAsync(Request(("trace_file", ["/tmp/trace.json"]))).WithTimeout());
        Assert.Equal(StatusCode.InvalidArgument, grpc.StatusCode);
    }

    [Fact]
    public async Task OperatorFile_ShowsInReads_AndEchoingItBackIsNoChange()
    {
        using var traces = new TraceDirectory();
        var file = traces.File("operator.json");
        await using var server = await TestServer.StartAsync(TestRepositories.WriteSimple, options => options.TraceConfig = [$"triton,file={file}", "level=TIMESTAMPS"]);

        var settings = await ReadAsync(server.Http, "v2/trace/setting");
        Assert.Equal(file, settings["trace_file"]!.GetValue<string>());

        settings["trace_rate"] = "10";
        var changed = await ChangeAsync(server.Http, "v2/trace/setting", settings.ToJsonString());
        Assert.Equal("10", changed["trace_rate"]!.GetValue<string>());
        Assert.Equal(file, changed["trace_file"]!.GetValue<string>());
    }

    [Fact]
    public async Task UnknownModel_404_AndVersionInPath_NotRouted()
    {
        await using var server = await TestServer.StartAsync(TestRepositories.WriteSimple);

        using var unknown = await server.Http.GetAsync("v2/models/nope/trace/setting").WithTimeout();
        await HttpInfer.AssertErrorAsync(unknown, HttpStatusCode.NotFound);
        using var versioned = await server.Http.GetAsync("v2/models/simple/versions/1/trace/setting").WithTimeout();
        Assert.Equal(HttpStatusCode.NotFound, versioned.StatusCode);
        var metadata = await server.Grpc.ServerMetadataAsync().WithTimeout();
        Assert.Contains("trace", metadata.Extensions);
    }

    internal static async Task<JsonObject> ReadAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path).WithTimeout();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync().WithTimeout())!.AsObject();
    }

    internal static async Task<JsonObject> ChangeAsync(HttpClient http, string path, string body)
    {
        using var response = await http.PostAsync(path, HttpInfer.Json(body)).WithTimeout();
        var text = await response.Content.ReadAsStringAsync().WithTimeout();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonNode.Parse(text)!.AsObject();
    }

    private static string[] Levels(JsonObject settings) => [.. settings["trace_level"]!.AsArray().Select(level => level!.GetValue<string>())];

    private static TraceSettingRequest Request(params (string Name, string[] Values)[] settings)
    {
        var request = new TraceSettingRequest();
        foreach (var (name, values) in settings)
        {
            var value = new TraceSettingRequest.Types.SettingValue();
            value.Value.AddRange(values);
            request.Settings[name] = value;
        }

        return request;
    }
}
