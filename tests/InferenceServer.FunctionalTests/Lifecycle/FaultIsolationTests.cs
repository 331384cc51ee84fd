using System.Net;
using Grpc.Core;
using InferenceServer.FunctionalTests.Infrastructure;
using InferenceServer.ModelBuilder.Repository;
using InferenceServer.ModelBuilder.Samples;

namespace InferenceServer.FunctionalTests.Lifecycle;

/// <summary>
/// Faults stay where they happen: a model that fails inside its graph fails only its own requests (with ONNX
/// Runtime's reason) while other models — and its own requests that fit — are served; in poll mode the repository
/// folder vanishing, and coming back, leaves what is loaded serving and the poller working; a model folder that
/// links outside the repository is refused with its reason while the rest is served. (Models that fail to load at
/// start-up next to ones that load: Models/FailedModelTests.)
/// </summary>
public sealed class FaultIsolationTests
{
    private const string Failing = "failing";

    private static readonly byte[] SimpleOnnx =
        SampleRepositoryWriter.CreateSamples().Single(s => s.Name == SampleModelNames.Simple).Onnx;

    [Fact]
    public async Task GraphFailingAtRunTime_FailsOnlyItsOwnRequests_WithTheReason()
    {
        await using var server = await TestServer.StartAsync(root =>
        {
            TestRepositories.WriteSimple(root);
            // A full interface, so auto-complete adds no dynamic batching: requests run one by one (seven single rows
            // batched together would fit the reshape and pass).
            SampleRepositoryWriter.WriteModel(root, Failing, TrafficSampleModels.SimpleFailing(), $$"""
                name: "{{Failing}}"
                max_batch_size: 8
                input [ { name: "INPUT0" data_type: TYPE_INT32 dims: [ 16 ] }, { name: "INPUT1" data_type: TYPE_INT32 dims: [ 16 ] } ]
                output [ { name: "OUTPUT0" data_type: TYPE_INT32 dims: [ 16 ] }, { name: "OUTPUT1" data_type: TYPE_INT32 dims: [ 16 ] } ]
                """);
        });

        // One row is 16 elements, which a reshape to rows of 7 cannot hold; 7 rows (112 elements) can.
        var failing = Enumerable.Range(0, 16).Select(_ => HttpInfer.PostAsync(server.Http, Failing, SimpleRequests.Json(batch: 1))).ToArray();
        var healthy = Enumerable.Range(0, 16).Select(i => HttpInfer.PostAsync(server.Http, "simple", SimpleRequests.Json(batch: 1, seed: i))).ToArray();
        var grpcFailure = Assert.ThrowsAsync<RpcException>(() => server.Grpc.ModelInferAsync(SimpleRequests.Grpc(batch: 1, model: Failing)).WithTimeout());

        foreach (var request in failing)
        {
            using var response = await request.WithTimeout();
            var message = await HttpInfer.AssertErrorAsync(response, HttpStatusCode.BadRequest);
            Assert.Contains(Failing, message, StringComparison.Ordinal);
            Assert.Contains("Reshape", message, StringComparison.Ordinal);
            Assert.Contains("[ErrorCode:", message, StringComparison.Ordinal);
        }

        for (var i = 0; i < healthy.Length; i++)
        {
            using var response = await healthy[i].WithTimeout();
            var result = await HttpInfer.ReadAsync(response);
            Assert.Equal(HttpStatusCode.OK, result.Status);
            Assert.Equal(SimpleRequests.Sum(SimpleRequests.Input0(1, i), SimpleRequests.Input1(1, i)), result.Int32Data("OUTPUT0"));
        }

        var error = await grpcFailure;
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("Reshape", error.Status.Detail, StringComparison.Ordinal);

        using var fits = await HttpInfer.PostAsync(server.Http, Failing, SimpleRequests.Json(batch: 7));
        Assert.Equal(HttpStatusCode.OK, fits.StatusCode);
        Assert.True((await server.Grpc.ModelReadyAsync(Failing)).Ready);
    }

    [Fact]
    public async Task RepositoryFolderVanishesDuringPolling_LoadedModelsServe_PollerResumesWhenItReturns()
    {
        var (server, time) = await PollingServer.StartAsync();
        await using var _ = server;
        var moved = server.RepositoryPath + ".moved";

        Directory.Move(server.RepositoryPath, moved);
        try
        {
            await PollingServer.PollAsync(server, time, times: 3);

            using var whileGone = await HttpInfer.PostAsync(server.Http, "simple", SimpleRequests.Json(batch: 1));
            Assert.Equal(HttpStatusCode.OK, whileGone.StatusCode);
            Assert.True((await server.Grpc.ServerReadyAsync()).Ready);
        }
        finally
        {
            Directory.Move(moved, server.RepositoryPath);
        }

        // Back, with a new version: the poller still works and picks it up once it has settled.
        SampleRepositoryWriter.WriteModel(server.RepositoryPath, "simple", SimpleOnnx, "name: \"simple\"\nmax_batch_size: 8\n", version: 2);
        await PollingServer.PollAsync(server, time, times: 3);
        using var after = await HttpInfer.PostAsync(server.Http, "simple", SimpleRequests.Json(batch: 1));
        var result = await HttpInfer.ReadAsync(after);
        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.Equal("2", result.Json["model_version"]!.GetValue<string>());
    }

    [Fact]
    public async Task ModelFolderLinkingOutside_InPollMode_RefusedWithReason_OthersServe()
    {
        var outside = Directory.CreateTempSubdirectory("poll-outside-").FullName;
        try
        {
            SampleRepositoryWriter.WriteModel(outside, "evil", SimpleOnnx, "name: \"evil\"\nmax_batch_size: 8\n");
            var (server, time) = await PollingServer.StartAsync();
            await using var _ = server;
            server.ExpectLoadFailures("evil");

            Directory.CreateSymbolicLink(Path.Combine(server.RepositoryPath, "evil"), Path.Combine(outside, "evil"));
            await PollingServer.PollAsync(server, time, times: 3);

            using var index = await server.Http.PostAsync("v2/repository/index", content: null).WithTimeout();
            var rows = System.Text.Json.Nodes.JsonNode.Parse(await index.Content.ReadAsStringAsync().WithTimeout())!.AsArray();
            var evil = rows.Single(r => r!["name"]!.GetValue<string>() == "evil")!;
            Assert.Equal("UNAVAILABLE", evil["state"]!.GetValue<string>());
            Assert.Contains("outside", evil["reason"]!.GetValue<string>(), StringComparison.Ordinal);
            using var simple = await HttpInfer.PostAsync(server.Http, "simple", SimpleRequests.Json(batch: 1));
            Assert.Equal(HttpStatusCode.OK, simple.StatusCode);
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }
}
