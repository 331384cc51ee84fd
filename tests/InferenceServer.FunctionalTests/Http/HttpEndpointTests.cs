using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using InferenceServer.FunctionalTests.Infrastructure;

namespace InferenceServer.FunctionalTests.Http;

/// <summary>The non-inference HTTP endpoints (brief §2.1–2.6, 2.14–2.16) over real HTTP.</summary>
[Collection(ServerCollection.Name)]
public sealed class HttpEndpointTests(ServerFixture fixture)
{
    private readonly HttpClient _http = fixture.Server.Http;

    [Theory]
    [InlineData("v2/health/live")]
    [InlineData("v2/health/ready")]
    public async Task Health_ServerUp_Returns200WithEmptyBody(string path)
    {
        using var response = await _http.GetAsync(path).WithTimeout();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync().WithTimeout());
    }

    [Fact]
    public async Task ServerMetadata_Get_ReturnsNameVersionAndExtensions()
    {
        var metadata = await GetJsonAsync("v2");

        Assert.False(string.IsNullOrEmpty(metadata["name"]!.GetValue<string>()));
        Assert.False(string.IsNullOrEmpty(metadata["version"]!.GetValue<string>()));
        var extensions = metadata["extensions"]!.AsArray().Select(e => e!.GetValue<string>()).ToArray();
        Assert.Contains("binary_tensor_data", extensions);
        Assert.Contains("model_configuration", extensions);
        Assert.Contains("statistics", extensions);
        Assert.Contains("system_shared_memory", extensions);
        Assert.Contains("classification", extensions);

        // CUDA shared memory is not served (no GPU here, and its data path is not wired).
        Assert.DoesNotContain("cuda_shared_memory", extensions);
    }

    [Fact]
    public async Task ModelMetadata_BatchingModel_PrefixesBatchDimension()
    {
        var metadata = await GetJsonAsync("v2/models/simple");

        Assert.Equal("simple", metadata["name"]!.GetValue<string>());
        Assert.Equal(["1"], metadata["versions"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal("onnxruntime_onnx", metadata["platform"]!.GetValue<string>());
        foreach (var (property, names) in new[] { ("inputs", new[] { "INPUT0", "INPUT1" }), ("outputs", ["OUTPUT0", "OUTPUT1"]) })
        {
            var tensors = metadata[property]!.AsArray();
            Assert.Equal(names, tensors.Select(t => t!["name"]!.GetValue<string>()));
            foreach (var tensor in tensors)
            {
                Assert.Equal("INT32", tensor!["datatype"]!.GetValue<string>());
                Assert.Equal([-1L, 16L], tensor["shape"]!.AsArray().Select(d => d!.GetValue<long>()));
            }
        }
    }

    [Fact]
    public async Task ModelMetadata_WithVersion_ListsThatVersion()
    {
        var metadata = await GetJsonAsync("v2/models/simple/versions/1");

        Assert.Equal(["1"], metadata["versions"]!.AsArray().Select(v => v!.GetValue<string>()));
    }

    [Theory]
    [InlineData("v2/models/simple/ready")]
    [InlineData("v2/models/simple/versions/1/ready")]
    public async Task ModelReady_ReadyModel_Returns200WithEmptyBody(string path)
    {
        using var response = await _http.GetAsync(path).WithTimeout();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync().WithTimeout());
    }

    [Fact]
    public async Task ModelReady_UnknownModel_Returns404NamingTheModel()
    {
        using var response = await _http.GetAsync("v2/models/no_such_model/ready").WithTimeout();

        var message = await HttpInfer.AssertErrorAsync(response, HttpStatusCode.NotFound);
        Assert.Contains("no_such_model", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelReady_PercentEncodedName_IsDecoded()
    {
        using var response = await _http.GetAsync("v2/models/simpl%65/ready").WithTimeout();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ModelConfig_Simple_IsCanonicalJson()
    {
        using var response = await _http.GetAsync("v2/models/simple/config").WithTimeout();
        var text = await response.Content.ReadAsStringAsync().WithTimeout();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var config = JsonNode.Parse(text)!.AsObject();
        Assert.Equal("simple", config["name"]!.GetValue<string>());
        Assert.Equal("onnxruntime_onnx", config["platform"]!.GetValue<string>());
        Assert.Equal(JsonValueKind.Number, config["max_batch_size"]!.GetValueKind());
        Assert.Equal(8, config["max_batch_size"]!.GetValue<int>());
        var input = config["input"]!.AsArray()[0]!;
        Assert.Equal("INPUT0", input["name"]!.GetValue<string>());
        Assert.Equal("TYPE_INT32", input["data_type"]!.GetValue<string>());
        Assert.All(input["dims"]!.AsArray(), d => Assert.Equal(JsonValueKind.Number, d!.GetValueKind()));
        Assert.Equal([16L], input["dims"]!.AsArray().Select(d => d!.GetValue<long>()));
        Assert.Contains("\"data_type\":\"TYPE_INT32\"", text, StringComparison.Ordinal);
        Assert.Contains("\"max_batch_size\":8", text, StringComparison.Ordinal);

        // Proto field names, never protobuf JSON's camelCase; unset sub-messages left out.
        Assert.DoesNotContain("maxBatchSize", text, StringComparison.Ordinal);
        Assert.DoesNotContain("dataType", text, StringComparison.Ordinal);
        Assert.False(config.ContainsKey("sequence_batching"));
        Assert.Equal(JsonValueKind.Array, config["instance_group"]!.GetValueKind());
    }

    [Fact]
    public async Task Statistics_AfterInference_CountsIncreaseAndCarryEveryField()
    {
        var before = Single(await GetJsonAsync("v2/models/simple/stats"));

        for (var i = 0; i < 2; i++)
        {
            using var response = await HttpInfer.PostAsync(_http, "simple", SimpleRequests.Json(batch: 2));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var after = Single(await GetJsonAsync("v2/models/simple/stats"));

        Assert.Equal("simple", after["name"]!.GetValue<string>());
        Assert.Equal("1", after["version"]!.GetValue<string>());
        Assert.True(Count(after, "inference_count") >= Count(before, "inference_count") + 4);
        Assert.True(Count(after, "execution_count") >= Count(before, "execution_count") + 2);
        Assert.True(Count(after, "last_inference") > 0);
        var stats = after["inference_stats"]!.AsObject();
        foreach (var stage in new[] { "success", "fail", "queue", "compute_input", "compute_infer", "compute_output", "cache_hit", "cache_miss" })
        {
            Assert.Equal(JsonValueKind.Number, stats[stage]!["count"]!.GetValueKind());
            Assert.Equal(JsonValueKind.Number, stats[stage]!["ns"]!.GetValueKind());
        }

        Assert.True(Count(stats["success"]!, "count") >= Count(before["inference_stats"]!["success"]!, "count") + 2);
        Assert.True(Count(stats["success"]!, "ns") > 0);
        var computeInput = Count(stats["compute_input"]!, "count");
        Assert.Equal(computeInput, Count(stats["compute_infer"]!, "count"));
        Assert.Equal(computeInput, Count(stats["compute_output"]!, "count"));
        Assert.Equal(JsonValueKind.Array, after["batch_stats"]!.GetValueKind());
        Assert.Equal(JsonValueKind.Array, after["memory_usage"]!.GetValueKind());

        static JsonNode Single(JsonObject body) => Assert.Single(body["model_stats"]!.AsArray())!;

        static ulong Count(JsonNode node, string property) => node[property]!.GetValue<ulong>();
    }

    [Fact]
    public async Task Statistics_AfterRejectedRequest_FailCountIncreases()
    {
        var model = TensorCase.IdentityModelName("INT16");
        var before = await FailCountAsync();
        var body = SimpleRequests.JsonBody(1);

        using (var response = await HttpInfer.PostAsync(_http, model, HttpInfer.Json(body)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        Assert.True(await FailCountAsync() >= before + 1);

        async Task<ulong> FailCountAsync()
        {
            var stats = await GetJsonAsync($"v2/models/{model}/stats");
            return stats["model_stats"]![0]!["inference_stats"]!["fail"]!["count"]!.GetValue<ulong>();
        }
    }

    [Fact]
    public async Task Statistics_AllModels_ListsEveryReadyVersion()
    {
        var stats = (await GetJsonAsync("v2/models/stats"))["model_stats"]!.AsArray();

        var entries = stats.Select(s => (s!["name"]!.GetValue<string>(), s["version"]!.GetValue<string>())).ToArray();
        Assert.Contains(("simple", "1"), entries);
        Assert.Contains((TestRepositories.PolicyAll, "2"), entries);
        Assert.DoesNotContain((TestRepositories.LatestDefault, "1"), entries);
    }

    [Fact]
    public async Task RepositoryIndex_EmptyBody_ListsModelsWithVersionAndState()
    {
        using var response = await _http.PostAsync("v2/repository/index", null).WithTimeout();
        var index = JsonNode.Parse(await response.Content.ReadAsStringAsync().WithTimeout())!.AsArray();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var simple = Assert.Single(index, m => m!["name"]!.GetValue<string>() == "simple")!;
        Assert.Equal("1", simple["version"]!.GetValue<string>());
        Assert.Equal("READY", simple["state"]!.GetValue<string>());
        Assert.Null(simple["reason"]);
        Assert.Equal(["3"], index.Where(m => m!["name"]!.GetValue<string>() == TestRepositories.LatestDefault).Select(m => m!["version"]!.GetValue<string>()));
    }

    [Fact]
    public async Task RepositoryIndex_ReadyTrue_ListsOnlyReadyModels()
    {
        using var response = await _http.PostAsync("v2/repository/index", HttpInfer.Json("""{"ready":true}""")).WithTimeout();
        var index = JsonNode.Parse(await response.Content.ReadAsStringAsync().WithTimeout())!.AsArray();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEmpty(index);
        Assert.All(index, m => Assert.Equal("READY", m!["state"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Infer_VersionInPath_AnswersFromThatVersion()
    {
        using var response = await _http.PostAsync("v2/models/simple/versions/1/infer", SimpleRequests.Json(batch: 1)).WithTimeout();
        var result = await HttpInfer.ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.Equal("simple", result.Json["model_name"]!.GetValue<string>());
        Assert.Equal("1", result.Json["model_version"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("")]
    [InlineData("v1/models")]
    [InlineData("v2/")]
    [InlineData("v2/models")]
    [InlineData("v2/models/simple/versions/1/unknown")]
    [InlineData("v2/models/simple/versions/one/ready")]
    public async Task UnknownPath_Get_Returns404NotFound(string path)
    {
        using var response = await _http.GetAsync(path).WithTimeout();

        Assert.Equal("Not Found", await HttpInfer.AssertErrorAsync(response, HttpStatusCode.NotFound));
    }

    [Theory]
    [InlineData("GET", "v2/models/simple/infer")]
    [InlineData("POST", "v2/health/live")]
    [InlineData("POST", "v2/health/ready")]
    [InlineData("DELETE", "v2/models/simple/config")]
    [InlineData("PUT", "v2")]
    [InlineData("GET", "v2/repository/index")]
    public async Task KnownPath_WrongMethod_Returns405(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        using var response = await _http.SendAsync(request).WithTimeout();

        Assert.Equal("Method Not Allowed", await HttpInfer.AssertErrorAsync(response, HttpStatusCode.MethodNotAllowed));
    }

    [Fact]
    public async Task RepositoryLoad_ControlModeNone_Returns403()
    {
        using var response = await _http.PostAsync("v2/repository/models/simple/load", null).WithTimeout();

        var message = await HttpInfer.AssertErrorAsync(response, HttpStatusCode.Forbidden);
        Assert.Contains("model control mode", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SharedMemory_RegisterWhileOff_Returns403SayingHowToEnable()
    {
        using var response = await _http.PostAsync("v2/systemsharedmemory/region/r/register", HttpInfer.Json("""{"key":"/r","byte_size":64}""")).WithTimeout();

        var message = await HttpInfer.AssertErrorAsync(response, HttpStatusCode.Forbidden);
        Assert.Contains("--allow-client-shm", message, StringComparison.Ordinal);
    }

    private async Task<JsonObject> GetJsonAsync(string path)
    {
        using var response = await _http.GetAsync(path).WithTimeout();
        var text = await response.Content.ReadAsStringAsync().WithTimeout();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(text)!.AsObject();
    }
}
