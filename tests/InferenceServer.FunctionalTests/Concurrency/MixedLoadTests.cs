using System.Net;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Grpc.Core;
using Inference;
using InferenceServer.FunctionalTests.Infrastructure;

namespace InferenceServer.FunctionalTests.Concurrency;

/// <summary>
/// Good and bad requests in parallel over both protocols against one model with two instances.
/// Invariants:
/// <list type="number">
/// <item>Every good request gets 200 / OK with exactly its own sum and difference (no answer reaches the wrong caller, no row is mixed up).</item>
/// <item>Every bad request gets a 4xx / INVALID_ARGUMENT naming the offending tensor; a bad request never disturbs a good one.</item>
/// <item>No request gets a 5xx or INTERNAL, and every request is answered (good + bad = workers × cycles).</item>
/// <item>The statistics' success count grows by at least the number of good requests.</item>
/// </list>
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class MixedLoadTests(ServerFixture fixture)
{
    private const int HttpWorkers = 4;
    private const int GrpcWorkers = 4;
    private const int Cycles = 30;

    private readonly TestServer _server = fixture.Server;
    private int _good;
    private int _bad;

    [Fact]
    public async Task Infer_ParallelGoodAndBadRequestsOverBothProtocols_EachGetsItsOwnCorrectAnswer()
    {
        var before = (await _server.Grpc.ModelStatisticsAsync("simple", "1").WithTimeout()).ModelStats[0].InferenceStats.Success.Count;
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var workers = new List<Task>();
        for (var w = 0; w < HttpWorkers; w++)
        {
            var worker = w;
            workers.Add(Task.Run(async () => { await start.Task; await HttpWorkerAsync(worker); }));
        }

        for (var w = 0; w < GrpcWorkers; w++)
        {
            var worker = HttpWorkers + w;
            workers.Add(Task.Run(async () => { await start.Task; await GrpcWorkerAsync(worker); }));
        }

        start.SetResult();
        await Task.WhenAll(workers).WaitAsync(TestTimeouts.Load);

        Assert.Equal((HttpWorkers + GrpcWorkers) * Cycles, _good + _bad);
        Assert.True(_bad > 0 && _good > 0);
        var after = (await _server.Grpc.ModelStatisticsAsync("simple", "1").WithTimeout()).ModelStats[0].InferenceStats.Success.Count;
        Assert.True(after - before >= (ulong)_good, $"success grew by {after - before}, {_good} good requests");
    }

    // Cycle c of worker w is bad when (w + c) % 3 == 0; the kind of bad request rotates.
    private static bool IsBad(int worker, int cycle) => (worker + cycle) % 3 == 0;

    private static int Seed(int worker, int cycle) => (worker * 10_000) + (cycle * 7);

    private static int Batch(int worker, int cycle) => 1 + ((worker + cycle) % 8);

    private async Task HttpWorkerAsync(int worker)
    {
        for (var cycle = 0; cycle < Cycles; cycle++)
        {
            var batch = Batch(worker, cycle);
            var seed = Seed(worker, cycle);
            if (IsBad(worker, cycle))
            {
                var (content, tensor) = BadHttpRequest(cycle, batch, seed);
                using (content)
                {
                    using var response = await HttpInfer.PostAsync(_server.Http, "simple", content);
                    var message = await HttpInfer.AssertErrorAsync(response, HttpStatusCode.BadRequest);
                    Assert.Contains(tensor, message, StringComparison.Ordinal);
                }

                Interlocked.Increment(ref _bad);
                continue;
            }

            var header = new JsonObject
            {
                ["id"] = $"{worker}/{cycle}",
                ["inputs"] = new JsonArray(
                    HttpInfer.BinaryInput("INPUT0", "INT32", SimpleRequests.Shape(batch), batch * 64),
                    HttpInfer.Input("INPUT1", "INT32", SimpleRequests.Shape(batch), HttpInfer.Numbers(SimpleRequests.Input1(batch, seed)))),
                ["outputs"] = new JsonArray(HttpInfer.Output("OUTPUT0", binary: true), HttpInfer.Output("OUTPUT1")),
            };
            using var good = HttpInfer.Binary(header, TensorCase.Pack(SimpleRequests.Input0(batch, seed)));
            using var goodResponse = await HttpInfer.PostAsync(_server.Http, "simple", good);
            var result = await HttpInfer.ReadAsync(goodResponse);

            Assert.Equal(HttpStatusCode.OK, result.Status);
            Assert.Equal($"{worker}/{cycle}", result.Json["id"]!.GetValue<string>());
            var a = SimpleRequests.Input0(batch, seed);
            var b = SimpleRequests.Input1(batch, seed);
            Assert.Equal(TensorCase.Pack(SimpleRequests.Sum(a, b)), result.Binary["OUTPUT0"]);
            Assert.Equal(SimpleRequests.Difference(a, b), result.Int32Data("OUTPUT1"));
            Interlocked.Increment(ref _good);
        }
    }

    private async Task GrpcWorkerAsync(int worker)
    {
        for (var cycle = 0; cycle < Cycles; cycle++)
        {
            var batch = Batch(worker, cycle);
            var seed = Seed(worker, cycle);
            var request = SimpleRequests.Grpc(batch, seed);
            request.Id = $"{worker}/{cycle}";
            if (IsBad(worker, cycle))
            {
                var tensor = Spoil(request, cycle);
                var error = await Assert.ThrowsAsync<RpcException>(() => _server.Grpc.ModelInferAsync(request).WithTimeout());
                Assert.True(error.StatusCode == StatusCode.InvalidArgument, $"{error.StatusCode}: {error.Status.Detail}");
                Assert.Contains(tensor, error.Status.Detail, StringComparison.Ordinal);
                Interlocked.Increment(ref _bad);
                continue;
            }

            var response = await _server.Grpc.ModelInferAsync(request).WithTimeout();

            Assert.Equal(request.Id, response.Id);
            var a = SimpleRequests.Input0(batch, seed);
            var b = SimpleRequests.Input1(batch, seed);
            Assert.Equal(SimpleRequests.Sum(a, b), SimpleRequests.Int32s(response.RawOutputContents[0]));
            Assert.Equal(SimpleRequests.Difference(a, b), SimpleRequests.Int32s(response.RawOutputContents[1]));
            Interlocked.Increment(ref _good);
        }
    }

    /// <summary>A bad HTTP request of a kind chosen by the cycle, and the tensor its error must name.</summary>
    private static (HttpContent Content, string Tensor) BadHttpRequest(int cycle, int batch, int seed)
    {
        var body = SimpleRequests.JsonBody(batch, seed);
        switch (cycle % 4)
        {
            case 0:
                body["inputs"]![1]!["shape"] = HttpInfer.ShapeArray([batch, 15]);
                return (HttpInfer.Json(body), "INPUT1");
            case 1:
                body["inputs"]![0]!["datatype"] = "INT64";
                return (HttpInfer.Json(body), "INPUT0");
            case 2:
                body["inputs"]![1]!["name"] = "INPUT5";
                return (HttpInfer.Json(body), "INPUT5");
            default:
                var header = new JsonObject
                {
                    ["inputs"] = new JsonArray(
                        HttpInfer.BinaryInput("INPUT0", "INT32", SimpleRequests.Shape(batch), (batch * 64) - 4),
                        HttpInfer.Input("INPUT1", "INT32", SimpleRequests.Shape(batch), HttpInfer.Numbers(SimpleRequests.Input1(batch, seed)))),
                };
                return (HttpInfer.Binary(header, new byte[(batch * 64) - 4]), "INPUT0");
        }
    }

    /// <summary>Makes a good gRPC request bad in a way chosen by the cycle; returns the tensor its error must name.</summary>
    private static string Spoil(ModelInferRequest request, int cycle)
    {
        switch (cycle % 4)
        {
            case 0:
                request.Inputs[1].Shape[1] = 15;
                return "INPUT1";
            case 1:
                request.Inputs[0].Datatype = "UINT32";
                return "INPUT0";
            case 2:
                request.Inputs[0].Name = "INPUT3";
                return "INPUT3";
            default:
                request.RawInputContents[1] = ByteString.CopyFrom(request.RawInputContents[1].Span[4..]);
                return "INPUT1";
        }
    }
}
