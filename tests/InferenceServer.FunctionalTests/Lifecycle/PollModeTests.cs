using System.Net;
using System.Text.Json.Nodes;
using Grpc.Core;
using InferenceServer.FunctionalTests.Infrastructure;
using InferenceServer.ModelBuilder.Repository;
using InferenceServer.ModelBuilder.Samples;

namespace InferenceServer.FunctionalTests.Lifecycle;

/// <summary>
/// <c>--model-control-mode=poll</c> through the real server, on a clock only the test moves: each poll is one
/// step of the clock, awaited through the poller's own completion signal. Invariants:
/// <list type="number">
/// <item>Under continuous HTTP and gRPC load, 20 rotations (copy a new version in, delete the oldest) fail no
/// request, every answer comes from a version that was live while the request was out, and a request naming a
/// version that is gone gets 404 / NOT_FOUND.</item>
/// <item>A model file written in chunks, with a poll in every pause, is not loaded (not even tried) until it is
/// complete and two polls agree.</item>
/// <item>A corrupt version or a broken config leaves the serving version serving; the index says why.</item>
/// <item>New model folders load, deleted ones leave; the load API is refused in poll mode.</item>
/// </list>
/// </summary>
public sealed class PollModeTests
{
    private const string Simple = "simple";
    private static readonly byte[] SimpleOnnx =
        SampleRepositoryWriter.CreateSamples().Single(s => s.Name == SampleModelNames.Simple).Onnx;

    private static async Task<string> ServedVersionAsync(TestServer server)
    {
        using var response = await HttpInfer.PostAsync(server.Http, Simple, SimpleRequests.Json(batch: 1));
        var result = await HttpInfer.ReadAsync(response);
        Assert.Equal(HttpStatusCode.OK, result.Status);
        return result.Json["model_version"]!.GetValue<string>();
    }

    private static async Task<JsonArray> IndexAsync(TestServer server)
    {
        using var response = await server.Http.PostAsync("v2/repository/index", content: null).WithTimeout();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync().WithTimeout())!.AsArray();
    }

    private static string VersionFolder(TestServer server, int version) =>
        Path.Combine(server.RepositoryPath, Simple, version.ToString(System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public async Task TwentyRotationsUnderLoad_FailNoRequest_EveryAnswerFromALiveVersion()
    {
        var (server, time) = await PollingServer.StartAsync();
        await using var _ = server;
        var load = new SwapLoad(server, Simple, clients: 4, liveVersion: 1);
        await load.WaitForAnswerFromAsync(1);

        for (var version = 2; version <= 21; version++)
        {
            load.Requesting(version);
            SampleRepositoryWriter.WriteModel(server.RepositoryPath, Simple, SimpleOnnx, config: null, version);
            Directory.Delete(VersionFolder(server, version - 1), recursive: true);
            await PollingServer.PollAsync(server, time, times: 2);
            load.Published(version);
            await load.WaitForAnswerFromAsync(version);
        }

        var final = await ServedVersionAsync(server);
        await load.StopAsync();
        await server.Lifecycle.RetirementsAsync().WaitAsync(TestTimeouts.Server);

        Assert.Empty(load.Failures);
        Assert.Equal("21", final);
        Assert.Equal(21, load.Seen.Count);

        // A request that names a version that is gone is told so, not served by another.
        using var gone = await server.Http.PostAsync($"v2/models/{Simple}/versions/1/infer", SimpleRequests.Json(batch: 1)).WithTimeout();
        var message = await HttpInfer.AssertErrorAsync(gone, HttpStatusCode.NotFound);
        Assert.Contains("version 1 is not found", message, StringComparison.Ordinal);
        var grpcGone = await Assert.ThrowsAsync<RpcException>(() => server.Grpc.ModelInferAsync(VersionOne()));
        Assert.Equal(StatusCode.NotFound, grpcGone.StatusCode);
    }

    private static Inference.ModelInferRequest VersionOne()
    {
        var request = SimpleRequests.Grpc(batch: 1);
        request.ModelVersion = "1";
        return request;
    }

    [Fact]
    public async Task ModelFileWrittenInChunks_NotTriedUntilCompleteAndSettled()
    {
        var (server, time) = await PollingServer.StartAsync();
        await using var _ = server;
        Directory.CreateDirectory(VersionFolder(server, 2));
        var path = Path.Combine(VersionFolder(server, 2), "model.onnx");
        var chunk = (SimpleOnnx.Length + 3) / 4;

        for (var offset = 0; offset < SimpleOnnx.Length; offset += chunk)
        {
            using (var file = new FileStream(path, FileMode.Append))
            {
                file.Write(SimpleOnnx.AsSpan(offset, Math.Min(chunk, SimpleOnnx.Length - offset)));
            }

            // The writer pauses for longer than the poll interval: a poll sees the file mid-copy.
            await PollingServer.PollAsync(server, time);
            Assert.Equal("1", await ServedVersionAsync(server));
            var row = Assert.Single(await IndexAsync(server))!.AsObject();
            Assert.False(row.ContainsKey("reason"), $"version 2 was tried while incomplete: {row.ToJsonString()}");
        }

        await PollingServer.PollAsync(server, time);

        Assert.Equal("2", await ServedVersionAsync(server));
    }

    [Fact]
    public async Task CorruptNewVersion_OldServes_IndexGivesTheReason()
    {
        var (server, time) = await PollingServer.StartAsync();
        await using var _ = server;
        server.ExpectLoadFailures("simple");
        SampleRepositoryWriter.WriteModel(server.RepositoryPath, Simple, SampleModels.Corrupt(), config: null, version: 2);

        await PollingServer.PollAsync(server, time, times: 2);

        Assert.Equal("1", await ServedVersionAsync(server));
        var row = Assert.Single(await IndexAsync(server))!;
        Assert.Equal("READY", row["state"]!.GetValue<string>());
        Assert.Contains("reload failed", row["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        using var ready = await server.Http.GetAsync("v2/health/ready").WithTimeout();
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    public async Task BrokenConfig_OldServes_IndexNamesTheFile()
    {
        var (server, time) = await PollingServer.StartAsync();
        await using var _ = server;
        server.ExpectLoadFailures("simple");
        await File.WriteAllTextAsync(Path.Combine(server.RepositoryPath, Simple, "config.pbtxt"), "name: \"simple\"\nmax_batch_size: [");

        await PollingServer.PollAsync(server, time, times: 2);

        Assert.Equal("1", await ServedVersionAsync(server));
        var reason = Assert.Single(await IndexAsync(server))!["reason"]!.GetValue<string>();
        Assert.Contains("config.pbtxt", reason, StringComparison.Ordinal);
        Assert.Contains("max_batch_size", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NewModelFolder_Loads_DeletedFolder_Leaves()
    {
        var (server, time) = await PollingServer.StartAsync();
        await using var _ = server;
        SampleRepositoryWriter.WriteModel(server.RepositoryPath, "added", SimpleOnnx, "name: \"added\"\nmax_batch_size: 8\n");

        await PollingServer.PollAsync(server, time, times: 2);
        Assert.True((await server.Grpc.ModelReadyAsync("added")).Ready);

        Directory.Delete(Path.Combine(server.RepositoryPath, "added"), recursive: true);
        await PollingServer.PollAsync(server, time, times: 2);

        using var response = await HttpInfer.PostAsync(server.Http, "added", SimpleRequests.Json(batch: 1));
        await HttpInfer.AssertErrorAsync(response, HttpStatusCode.NotFound);
        Assert.DoesNotContain(await IndexAsync(server), r => r!["name"]!.GetValue<string>() == "added");
    }

    [Fact]
    public async Task TrafficFile_AppliesWithoutReloadingVersions_BadFileKeepsThePolicy()
    {
        var (server, time) = await PollingServer.StartAsync();
        await using var _ = server;
        server.ExpectLoadFailures("simple");
        var config = "name: \"simple\"\nmax_batch_size: 8\nversion_policy: { all: {} }\n";
        await File.WriteAllTextAsync(Path.Combine(server.RepositoryPath, Simple, "config.pbtxt"), config);
        SampleRepositoryWriter.WriteModel(server.RepositoryPath, Simple, SimpleOnnx, config: null, version: 2);
        await PollingServer.PollAsync(server, time, times: 2);
        var loaded = server.Models.Table.Models[Simple].ReadyVersions.ToArray();
        Assert.Equal(2, loaded.Length);
        var trafficFile = Path.Combine(server.RepositoryPath, Simple, "traffic.json");

        await File.WriteAllTextAsync(trafficFile, """{"weights": {"1": 0, "2": 100}}""");
        await PollingServer.PollAsync(server, time, times: 2);

        Assert.Equal(loaded, server.Models.Table.Models[Simple].ReadyVersions);
        Assert.Equal("2", await ServedVersionAsync(server));
        Assert.Equal("file", server.Models.Table.Models[Simple].Traffic!.Source);

        await File.WriteAllTextAsync(trafficFile, """{"weights": {"7": 100}}""");
        await PollingServer.PollAsync(server, time, times: 2);

        Assert.Equal("2", await ServedVersionAsync(server));
        Assert.Equal(100, server.Models.Table.Models[Simple].Traffic!.Policy.WeightOf(2));
    }

    [Fact]
    public async Task LoadAndUnloadApi_RefusedInPollMode()
    {
        var (server, _) = await PollingServer.StartAsync();
        await using var __ = server;

        using var load = await server.Http.PostAsync($"v2/repository/models/{Simple}/unload", content: null).WithTimeout();
        var message = await HttpInfer.AssertErrorAsync(load, HttpStatusCode.Forbidden);
        var error = await Assert.ThrowsAsync<RpcException>(() => server.Grpc.RepositoryModelLoadAsync(Simple));

        Assert.Contains("model control mode 'poll'", message, StringComparison.Ordinal);
        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Equal("1", await ServedVersionAsync(server));
    }
}
