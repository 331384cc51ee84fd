using System.Net;
using System.Text.Json.Nodes;
using Grpc.Core;
using InferenceServer.Core.Models.Repository;
using InferenceServer.FunctionalTests.Infrastructure;
using InferenceServer.ModelBuilder.Repository;
using InferenceServer.ModelBuilder.Samples;
using Microsoft.Extensions.Time.Testing;

namespace InferenceServer.FunctionalTests.Lifecycle;

/// <summary>
/// <c>--model-control-mode=explicit</c> through the real server. Invariants:
/// <list type="number">
/// <item>Only the <c>--load-model</c> models load at start-up; the others are listed by name only.</item>
/// <item>Load publishes a new version while requests keep flowing: under continuous HTTP and gRPC load,
/// 20 swaps to a new version fail no request, and every answer names a version that was live.</item>
/// <item>A version that fails to load leaves the serving one untouched; the error names the reason.</item>
/// <item>Unload refuses new requests (503 / UNAVAILABLE "unloaded") and lets every held request finish.</item>
/// </list>
/// </summary>
public sealed class ExplicitModelControlTests
{
    private const string Simple = "simple";
    private const string Other = "simple_other";

    private static readonly byte[] SimpleOnnx =
        SampleRepositoryWriter.CreateSamples().Single(s => s.Name == SampleModelNames.Simple).Onnx;

    private static void WriteRepository(string root)
    {
        SampleRepositoryWriter.WriteModel(root, Simple, SimpleOnnx, "name: \"simple\"\nmax_batch_size: 8\n");
        SampleRepositoryWriter.WriteModel(root, Other, SimpleOnnx,
            "name: \"simple_other\"\nmax_batch_size: 8\ndynamic_batching { max_queue_delay_microseconds: 1000000 }\n");
    }

    private static Task<TestServer> StartAsync(TimeProvider? time = null) => TestServer.StartAsync(WriteRepository, options =>
    {
        options.ModelControlMode = ModelControlMode.Explicit;
        options.LoadModels = [Simple];
    }, time);

    [Fact]
    public async Task StartUp_LoadsOnlyTheNamedModels_AndListsTheOthersByName()
    {
        await using var server = await StartAsync();

        using var response = await server.Http.PostAsync("v2/repository/index", content: null).WithTimeout();
        var index = JsonNode.Parse(await response.Content.ReadAsStringAsync().WithTimeout())!.AsArray();

        var other = Assert.Single(index, m => m!["name"]!.GetValue<string>() == Other)!.AsObject();
        Assert.False(other.ContainsKey("state"));
        Assert.Equal("READY", Assert.Single(index, m => m!["name"]!.GetValue<string>() == Simple)!["state"]!.GetValue<string>());
        using var unloaded = await HttpInfer.PostAsync(server.Http, Other, SimpleRequests.Json(batch: 1));
        await HttpInfer.AssertErrorAsync(unloaded, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task TwentyVersionSwapsUnderLoad_FailNoRequest_EveryAnswerFromALiveVersion()
    {
        await using var server = await StartAsync();
        var load = new SwapLoad(server, Simple, clients: 4, liveVersion: 1);
        await load.WaitForAnswerFromAsync(1);

        for (var version = 2; version <= 21; version++)
        {
            // A new version folder, then an explicit load: latest {1} swaps to it and retires the previous one.
            load.Requesting(version);
            SampleRepositoryWriter.WriteModel(server.RepositoryPath, Simple, SimpleOnnx, config: null, version);
            using var response = await server.Http.PostAsync($"v2/repository/models/{Simple}/load", content: null).WithTimeout();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            load.Published(version);
            await load.WaitForAnswerFromAsync(version);
        }

        var final = await HttpInfer.ReadAsync(await HttpInfer.PostAsync(server.Http, Simple, SimpleRequests.Json(batch: 1)));
        await load.StopAsync();
        await server.Lifecycle.RetirementsAsync().WaitAsync(TestTimeouts.Server);

        Assert.Empty(load.Failures);
        Assert.Equal("21", final.Json["model_version"]!.GetValue<string>());
        Assert.Equal(21, load.Seen.Count);
    }

    [Fact]
    public async Task LoadOfCorruptVersion_FailsWithReason_AndTheServingVersionStays()
    {
        await using var server = await StartAsync();
        server.ExpectLoadFailures("simple");
        SampleRepositoryWriter.WriteModel(server.RepositoryPath, Simple, SampleModels.Corrupt(), config: null, version: 2);

        using var load = await server.Http.PostAsync($"v2/repository/models/{Simple}/load", content: null).WithTimeout();

        var message = await HttpInfer.AssertErrorAsync(load, HttpStatusCode.BadRequest);
        Assert.Contains("failed to load 'simple'", message, StringComparison.Ordinal);
        using var response = await HttpInfer.PostAsync(server.Http, Simple, SimpleRequests.Json(batch: 1));
        var result = await HttpInfer.ReadAsync(response);
        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.Equal("1", result.Json["model_version"]!.GetValue<string>());
    }

    [Fact]
    public async Task LoadWithInvalidConfigOverride_Returns400NamingTheField_AndKeepsServing()
    {
        await using var server = await StartAsync();
        var body = new JsonObject { ["parameters"] = new JsonObject { ["config"] = "{\"max_batch_size\": \"many\"}" } };

        using var load = await server.Http.PostAsync($"v2/repository/models/{Simple}/load", HttpInfer.Json(body)).WithTimeout();

        var message = await HttpInfer.AssertErrorAsync(load, HttpStatusCode.BadRequest);
        Assert.Contains("max_batch_size", message, StringComparison.Ordinal);
        Assert.True((await server.Grpc.ModelReadyAsync(Simple)).Ready);
    }

    [Fact]
    public async Task UnloadWithRequestsInFlight_TheyComplete_NewOnesAreRefused()
    {
        var time = new FakeTimeProvider();
        await using var server = await StartAsync(time);
        Assert.NotNull(await server.Grpc.RepositoryModelLoadAsync(Other));

        // The model batches with a one-second delay on a clock only the test moves: these stay queued.
        var held = Enumerable.Range(0, 2).Select(i => HttpInfer.PostAsync(server.Http, Other, SimpleRequests.Json(batch: 1, seed: i))).ToArray();
        await server.WaitForQueuedAsync(Other, 2);

        await server.Grpc.RepositoryModelUnloadAsync(Other);

        using (var refused = await HttpInfer.PostAsync(server.Http, Other, SimpleRequests.Json(batch: 1)))
        {
            var message = await HttpInfer.AssertErrorAsync(refused, HttpStatusCode.ServiceUnavailable);
            Assert.Contains("unloaded", message, StringComparison.Ordinal);
        }

        var grpcError = await Assert.ThrowsAsync<RpcException>(() => server.Grpc.ModelInferAsync(SimpleRequests.Grpc(batch: 1, model: Other)));
        Assert.Equal(StatusCode.Unavailable, grpcError.StatusCode);

        time.Advance(TimeSpan.FromSeconds(1));
        for (var i = 0; i < held.Length; i++)
        {
            using var response = await held[i].WithTimeout();
            var result = await HttpInfer.ReadAsync(response);
            Assert.Equal(HttpStatusCode.OK, result.Status);
            Assert.Equal(SimpleRequests.Sum(SimpleRequests.Input0(1, i), SimpleRequests.Input1(1, i)), result.Int32Data("OUTPUT0"));
        }

        await server.Lifecycle.RetirementsAsync().WaitAsync(TestTimeouts.Server);
    }
}
