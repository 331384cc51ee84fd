using System.Net;
using System.Text.Json.Nodes;
using Grpc.Core;
using Inference;
using InferenceServer.FunctionalTests.Infrastructure;

namespace InferenceServer.FunctionalTests.Batching;

/// <summary>Starts the server over <see cref="BatchingRepositories.WriteBatched"/>.</summary>
public sealed class BatchedServerFixture : TestServerFixture
{
    private protected override Task<TestServer> StartAsync() => TestServer.StartAsync(BatchingRepositories.WriteBatched);
}

/// <summary>
/// Dynamic batching through the real server, on the real clock. Invariants:
/// <list type="number">
/// <item>Under concurrent load from many HTTP and gRPC clients, with requests of 1–3 rows batched together
/// across two instances, every response carries exactly its own request's rows (outputs are computed per
/// row from values unique to each request).</item>
/// <item>Batching happened (fewer executions than requests), and the statistics agree with themselves:
/// inference_count = rows answered, batch_stats sums to execution_count and inference_count, queue and
/// compute counts equal the success count (perf_analyzer requires it).</item>
/// <item><c>priority</c> and <c>timeout</c> request parameters are accepted in the forms Triton's clients
/// send them; wrongly typed ones are rejected with a message naming the parameter.</item>
/// </list>
/// </summary>
public sealed class DynamicBatchingTests(BatchedServerFixture fixture) : IClassFixture<BatchedServerFixture>
{
    private const string Model = BatchingRepositories.Batched;
    private readonly TestServer _server = fixture.Server;

    [Fact]
    public async Task ConcurrentClients_MixedRowsAndProtocols_EachResponseMatchesItsOwnRows()
    {
        const int Clients = 16;
        const int RequestsPerClient = 30;
        var before = await StatisticsAsync();

        var clients = Enumerable.Range(0, Clients).Select(client => Task.Run(async () =>
        {
            var random = new Random(client);
            var rows = 0;
            for (var i = 0; i < RequestsPerClient; i++)
            {
                var batch = random.Next(1, 4);
                var seed = (client * 1_000_000) + (i * 1_000);
                rows += batch;
                if (client % 2 == 0)
                {
                    await InferHttpAsync(batch, seed);
                }
                else
                {
                    await InferGrpcAsync(batch, seed);
                }
            }

            return rows;
        })).ToArray();
        var totalRows = (await Task.WhenAll(clients).WaitAsync(TestTimeouts.Load)).Sum();

        var after = await StatisticsAsync();
        var requests = (long)Clients * RequestsPerClient;
        var executions = (long)(after.ExecutionCount - before.ExecutionCount);
        Assert.Equal(requests, (long)(after.InferenceStats.Success.Count - before.InferenceStats.Success.Count));
        Assert.Equal(totalRows, (long)(after.InferenceCount - before.InferenceCount));
        Assert.True(executions < requests, $"{requests} requests ran in {executions} executions: nothing was batched");

        Assert.Equal(after.InferenceStats.Success.Count, after.InferenceStats.Queue.Count);
        Assert.Equal(after.InferenceStats.Success.Count, after.InferenceStats.ComputeInfer.Count);
        Assert.Equal(after.InferenceStats.ComputeInfer.Count, after.InferenceStats.ComputeInput.Count);
        Assert.Equal(after.InferenceStats.ComputeInfer.Count, after.InferenceStats.ComputeOutput.Count);
        Assert.All(after.BatchStats, b => Assert.InRange(b.BatchSize, 1UL, 8UL));
        Assert.Equal(after.ExecutionCount, (ulong)after.BatchStats.Sum(b => (long)b.ComputeInfer.Count));
        Assert.Equal(after.InferenceCount, (ulong)after.BatchStats.Sum(b => (long)(b.BatchSize * b.ComputeInfer.Count)));
    }

    [Fact]
    public async Task HttpStatistics_ListBatchSizes_AsTritonPrintsThem()
    {
        await InferHttpAsync(batch: 3, seed: 7);

        var json = JsonNode.Parse(await _server.Http.GetStringAsync($"v2/models/{Model}/stats").WithTimeout())!;
        var batchStats = json["model_stats"]![0]!["batch_stats"]!.AsArray();

        Assert.NotEmpty(batchStats);
        Assert.All(batchStats, entry =>
        {
            Assert.True(entry!["batch_size"]!.GetValue<long>() is >= 1 and <= 8);
            foreach (var stage in new[] { "compute_input", "compute_infer", "compute_output" })
            {
                Assert.True(entry[stage]!["count"]!.GetValue<long>() >= 1, stage);
                Assert.True(entry[stage]!["ns"]!.GetValue<long>() >= 0, stage);
            }
        });
    }

    [Fact]
    public async Task Http_PriorityAndTimeoutParameters_AreAccepted()
    {
        var body = SimpleRequests.JsonBody(batch: 1, seed: 3);
        body["parameters"] = new JsonObject { ["priority"] = 1, ["timeout"] = 5_000_000 };

        using var response = await HttpInfer.PostAsync(_server.Http, Model, HttpInfer.Json(body));
        var result = await HttpInfer.ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.Equal(SimpleRequests.Sum(SimpleRequests.Input0(1, 3), SimpleRequests.Input1(1, 3)), result.Int32Data("OUTPUT0"));
    }

    [Theory]
    [InlineData("priority", "\"high\"")]
    [InlineData("priority", "-1")]
    [InlineData("timeout", "1.5")]
    public async Task Http_WronglyTypedSchedulingParameter_Returns400NamingIt(string name, string value)
    {
        var body = SimpleRequests.JsonBody(batch: 1);
        body["parameters"] = JsonNode.Parse($"{{\"{name}\": {value}}}");

        using var response = await HttpInfer.PostAsync(_server.Http, Model, HttpInfer.Json(body));

        var message = await HttpInfer.AssertErrorAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(name, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Grpc_PriorityAsUint64AndTimeoutAsInt64_AreAccepted()
    {
        // Triton's Python client sends priority as uint64_param and timeout as int64_param.
        var request = SimpleRequests.Grpc(batch: 2, seed: 11, model: Model);
        request.Parameters["priority"] = new InferParameter { Uint64Param = 1 };
        request.Parameters["timeout"] = new InferParameter { Int64Param = 5_000_000 };

        var response = await _server.Grpc.ModelInferAsync(request);

        Assert.Equal(SimpleRequests.Sum(SimpleRequests.Input0(2, 11), SimpleRequests.Input1(2, 11)), SimpleRequests.Int32s(response.RawOutputContents[0]));
    }

    [Fact]
    public async Task Grpc_NegativePriority_IsInvalidArgumentNamingIt()
    {
        var request = SimpleRequests.Grpc(batch: 1, model: Model);
        request.Parameters["priority"] = new InferParameter { Int64Param = -2 };

        var error = await Assert.ThrowsAsync<RpcException>(() => _server.Grpc.ModelInferAsync(request));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("priority", error.Status.Detail, StringComparison.Ordinal);
    }

    private async Task InferHttpAsync(int batch, int seed)
    {
        using var response = await HttpInfer.PostAsync(_server.Http, Model, HttpInfer.Json(SimpleRequests.JsonBody(batch, seed)));
        var result = await HttpInfer.ReadAsync(response);
        Assert.Equal(HttpStatusCode.OK, result.Status);
        var (a, b) = (SimpleRequests.Input0(batch, seed), SimpleRequests.Input1(batch, seed));
        Assert.Equal(SimpleRequests.Shape(batch), result.Output("OUTPUT0")["shape"]!.AsArray().Select(d => d!.GetValue<long>()));
        Assert.Equal(SimpleRequests.Sum(a, b), result.Int32Data("OUTPUT0"));
        Assert.Equal(SimpleRequests.Difference(a, b), result.Int32Data("OUTPUT1"));
    }

    private async Task InferGrpcAsync(int batch, int seed)
    {
        var response = await _server.Grpc.ModelInferAsync(SimpleRequests.Grpc(batch, seed, Model));
        var (a, b) = (SimpleRequests.Input0(batch, seed), SimpleRequests.Input1(batch, seed));
        Assert.Equal(SimpleRequests.Shape(batch), response.Outputs[0].Shape);
        Assert.Equal(SimpleRequests.Sum(a, b), SimpleRequests.Int32s(response.RawOutputContents[0]));
        Assert.Equal(SimpleRequests.Difference(a, b), SimpleRequests.Int32s(response.RawOutputContents[1]));
    }

    private async Task<ModelStatistics> StatisticsAsync() => (await _server.Grpc.ModelStatisticsAsync(Model)).ModelStats.Single();
}
