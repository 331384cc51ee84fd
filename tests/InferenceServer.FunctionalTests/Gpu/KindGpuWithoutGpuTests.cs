using System.Net;
using System.Text.Json.Nodes;
using InferenceServer.FunctionalTests.Infrastructure;
using InferenceServer.ModelBuilder.Repository;
using InferenceServer.ModelBuilder.Samples;

namespace InferenceServer.FunctionalTests.Gpu;

/// <summary>
/// A server that uses no GPU (<c>--gpus=false</c>, so the test means the same on machines with and
/// without one) over a KIND_GPU model and the same model with <c>gpu_fallback_to_cpu</c>: the first fails
/// to load with the documented reason and the others keep serving; the second serves on the CPU; server
/// metadata and /metrics name no GPU.
/// </summary>
public sealed class KindGpuWithoutGpuTests : IClassFixture<KindGpuWithoutGpuTests.Fixture>
{
    private const string GpuModel = "simple_gpu";
    private const string FallbackModel = "simple_gpu_fallback";
    private readonly TestServer _server;

    public KindGpuWithoutGpuTests(Fixture fixture)
    {
        _server = fixture.Server;
    }

    [Fact]
    public async Task RepositoryIndex_KindGpuModel_UnavailableNamingTheReasonAndTheFallbackSwitch()
    {
        using var response = await _server.Http.PostAsync("v2/repository/index", HttpInfer.Json("{}")).WithTimeout();
        var index = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray();

        var entry = index.Single(m => m!["name"]!.GetValue<string>() == GpuModel)!;
        Assert.Equal("UNAVAILABLE", entry["state"]!.GetValue<string>());
        Assert.Equal(
            $"model '{GpuModel}': instance group '{GpuModel}_0' asks for KIND_GPU, but no GPU is available: --gpus=false; "
            + "use kind: KIND_CPU, or set parameters { key: \"gpu_fallback_to_cpu\" value { string_value: \"true\" } } to run KIND_GPU groups on the CPU where no GPU can serve them",
            entry["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task HttpInfer_KindGpuModel_Returns503NamingTheModel()
    {
        using var response = await HttpInfer.PostAsync(_server.Http, GpuModel, SimpleRequests.Json(1));

        var message = await HttpInfer.AssertErrorAsync(response, HttpStatusCode.ServiceUnavailable);
        Assert.Contains(GpuModel, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HttpInfer_FallbackModel_ServesOnTheCpu()
    {
        var a = SimpleRequests.Input0(2);
        var b = SimpleRequests.Input1(2);

        using var response = await HttpInfer.PostAsync(_server.Http, FallbackModel, SimpleRequests.Json(2));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var outputs = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["outputs"]!.AsArray();
        var sum = outputs.Single(o => o!["name"]!.GetValue<string>() == "OUTPUT0")!;
        Assert.Equal(SimpleRequests.Sum(a, b), sum["data"]!.AsArray().Select(v => v!.GetValue<int>()));
    }

    [Fact]
    public async Task ServerMetadata_NoGpu_HasNoGpusField()
    {
        var metadata = JsonNode.Parse(await _server.Http.GetStringAsync("v2").WithTimeout())!.AsObject();

        Assert.Equal("inference-server", metadata["name"]!.GetValue<string>());
        Assert.False(metadata.ContainsKey("gpus"));
    }

    [Fact]
    public async Task Metrics_NoGpu_NoGpuSeriesButThePinnedPool()
    {
        using var http = new HttpClient();

        var metrics = await http.GetStringAsync($"http://127.0.0.1:{_server.MetricsPort}/metrics").WithTimeout();

        Assert.Contains("nv_pinned_memory_pool_total_bytes ", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("nv_gpu_memory_total_bytes{", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("inference_server_cuda_memory_pool_bytes{", metrics, StringComparison.Ordinal);
    }

    public sealed class Fixture : TestServerFixture
    {
        private static readonly byte[] Simple = SampleModels.Simple();

        private protected override async Task<TestServer> StartAsync()
        {
            var server = await TestServer.StartAsync(
            root =>
            {
                SampleRepositoryWriter.WriteModel(root, GpuModel, Simple, $"name: \"{GpuModel}\"\nmax_batch_size: 8\ninstance_group [ {{ kind: KIND_GPU, count: 1 }} ]\n");
                SampleRepositoryWriter.WriteModel(root, FallbackModel, Simple,
                    $"name: \"{FallbackModel}\"\nmax_batch_size: 8\ninstance_group [ {{ kind: KIND_GPU, count: 1 }} ]\nparameters {{ key: \"gpu_fallback_to_cpu\" value {{ string_value: \"true\" }} }}\n");
            },
            options => options.UseGpus = false);

            // The KIND_GPU model without a GPU fails its load on purpose.
            server.ExpectLoadFailures(GpuModel);
            return server;
        }
    }
}
