using System.Globalization;
using System.Net;
using InferenceServer.Core.Models.Repository;
using InferenceServer.FunctionalTests.Infrastructure;
using InferenceServer.ModelBuilder.Repository;
using InferenceServer.ModelBuilder.Samples;

namespace InferenceServer.FunctionalTests.Telemetry;

/// <summary>
/// <c>/metrics</c> as Prometheus reads it, from a server of its own so the counts are exactly this test's traffic.
/// Invariants: Triton's counters equal the requests sent (successes, failures by reason, rows, executions);
/// each histogram counts every success; a version that is swapped out leaves the exposition; the HTTP port
/// serves metrics only when asked.
/// </summary>
public sealed class MetricsEndpointTests
{
    private static async Task<Dictionary<string, double>> ScrapeAsync(HttpClient http, string url)
    {
        using var response = await http.GetAsync(url).WithTimeout();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in (await response.Content.ReadAsStringAsync().WithTimeout()).Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var space = line.LastIndexOf(' ');
            samples[line[..space]] = double.Parse(line[(space + 1)..], CultureInfo.InvariantCulture);
        }

        return samples;
    }

    [Fact]
    public async Task Traffic_CountersAndHistogramsMatchWhatWasSent()
    {
        await using var server = await TestServer.StartAsync(TestRepositories.WriteSimple);
        using var http = new HttpClient();
        for (var i = 0; i < 5; i++)
        {
            using var ok = await HttpInfer.PostAsync(server.Http, "simple", SimpleRequests.Json(batch: 2, seed: i));
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        for (var i = 0; i < 3; i++)
        {
            await server.Grpc.ModelInferAsync(SimpleRequests.Grpc(batch: 1, seed: i));
        }

        using (var bad = await HttpInfer.PostAsync(server.Http, "simple", HttpInfer.Json("""{"inputs":[{"name":"INPUT0","datatype":"INT32","shape":[1,3],"data":[1,2,3]}]}""")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        }

        var metrics = await ScrapeAsync(http, $"http://127.0.0.1:{server.MetricsPort}/metrics");

        const string Labels = "model=\"simple\",version=\"1\"";
        Assert.Equal(8, metrics[$"nv_inference_request_success{{{Labels}}}"]);
        Assert.Equal(1, metrics[$"nv_inference_request_failure{{{Labels},reason=\"OTHER\"}}"]);
        Assert.Equal(0, metrics[$"nv_inference_request_failure{{{Labels},reason=\"REJECTED\"}}"]);
        Assert.Equal(5 * 2 + 3, metrics[$"nv_inference_count{{{Labels}}}"]);
        Assert.Equal(8, metrics[$"nv_inference_exec_count{{{Labels}}}"]);
        Assert.True(metrics[$"nv_inference_request_duration_us{{{Labels}}}"] > 0);
        Assert.Equal(8, metrics[$"inference_server_request_duration_seconds_count{{{Labels}}}"]);
        Assert.Equal(8, metrics[$"inference_server_request_duration_seconds_bucket{{{Labels},le=\"+Inf\"}}"]);
        Assert.Equal(8, metrics[$"inference_server_compute_duration_seconds_count{{{Labels}}}"]);
        Assert.Equal(5, metrics[$"inference_server_batch_size_bucket{{{Labels},le=\"2\"}}"] - metrics[$"inference_server_batch_size_bucket{{{Labels},le=\"1\"}}"]);
        Assert.Equal(1, metrics[$"inference_server_model_ready{{{Labels}}}"]);
        Assert.True(metrics["nv_pinned_memory_pool_total_bytes"] > 0);
    }

    [Fact]
    public async Task SwappedOutVersion_LeavesTheExposition_LoadFailuresAreCounted()
    {
        var onnx = SampleRepositoryWriter.CreateSamples().Single(s => s.Name == SampleModelNames.Simple).Onnx;
        await using var server = await TestServer.StartAsync(
            root => SampleRepositoryWriter.WriteModel(root, "simple", onnx, "name: \"simple\"\nmax_batch_size: 8\n"),
            options => options.ModelControlMode = ModelControlMode.Explicit);
        server.ExpectLoadFailures("simple");
        using var http = new HttpClient();
        await server.Grpc.RepositoryModelLoadAsync("simple");
        await server.Grpc.ModelInferAsync(SimpleRequests.Grpc(batch: 1));
        SampleRepositoryWriter.WriteModel(server.RepositoryPath, "simple", onnx, config: null, version: 2);
        SampleRepositoryWriter.WriteModel(server.RepositoryPath, "simple", SampleModels.Corrupt(), config: null, version: 3);

        await Assert.ThrowsAnyAsync<Exception>(() => server.Grpc.RepositoryModelLoadAsync("simple"));
        File.Delete(Path.Combine(server.RepositoryPath, "simple", "3", "model.onnx"));
        Directory.Delete(Path.Combine(server.RepositoryPath, "simple", "3"));
        await server.Grpc.RepositoryModelLoadAsync("simple");
        await server.Lifecycle.RetirementsAsync().WaitAsync(TestTimeouts.Server);

        var metrics = await ScrapeAsync(http, $"http://127.0.0.1:{server.MetricsPort}/metrics");

        Assert.DoesNotContain(metrics.Keys, k => k.Contains("version=\"1\"", StringComparison.Ordinal));
        Assert.Equal(0, metrics["nv_inference_request_success{model=\"simple\",version=\"2\"}"]);
        Assert.Equal(1, metrics["inference_server_model_load_failures_total{model=\"simple\"}"]);
    }

    [Fact]
    public async Task HttpPort_ServesMetricsOnlyWhenAsked()
    {
        await using (var plain = await TestServer.StartAsync(TestRepositories.WriteSimple))
        {
            using var response = await plain.Http.GetAsync("metrics").WithTimeout();
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        await using var server = await TestServer.StartAsync(TestRepositories.WriteSimple, options => options.AllowMetricsOnHttpPort = true);
        await server.Grpc.ModelInferAsync(SimpleRequests.Grpc(batch: 1));

        var metrics = await ScrapeAsync(server.Http, "metrics");

        Assert.Equal(1, metrics["nv_inference_request_success{model=\"simple\",version=\"1\"}"]);
    }
}
