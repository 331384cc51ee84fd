using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Grpc.Core;
using Inference;
using InferenceServer.FunctionalTests.Infrastructure;
using InferenceServer.ModelBuilder.Onnx;
using InferenceServer.ModelBuilder.Repository;
using Xunit.Abstractions;
using OnnxType = InferenceServer.ModelBuilder.Onnx.TensorProto.Types.DataType;

namespace InferenceServer.FunctionalTests.Batching;

/// <summary>
/// Deadlines that hold, end to end on the real clock, with a model whose execution time the request chooses (SIZE: it
/// multiplies SIZE × SIZE matrices of zeros). Slow requests put one execution on the only instance and one or two
/// requests in the queue. Invariants:
/// <list type="number">
/// <item>A request queued behind them is answered 503 / UNAVAILABLE ("timed out") at its deadline, while the first slow
/// execution still runs: the second slow request is still queued when both protocols have their answers.</item>
/// <item>Once an execution has been measured, a request whose timeout is shorter than the expected wait is refused at
/// once: HTTP 503 with <c>Retry-After</c> (whole seconds, at least 1) and gRPC UNAVAILABLE with its retry pushback,
/// the message naming the model, the timeout and the expected wait; each counts once as a failure; the queue is untouched.</item>
/// </list>
/// Nothing here measures time: every assertion is about order.
/// </summary>
public sealed class DeadlineTests(ITestOutputHelper output)
{
    private const string Model = "slow_matmul";

    // Chosen so that one execution takes far longer than the 100 ms deadline below on any machine (about 30 GFLOP on one thread).
    private const long SlowSize = 1_536;
    private const int MatMuls = 6;

    private static void WriteSlowModel(string root)
    {
        var builder = new OnnxModelBuilder(Model)
            .AddInput("SIZE", OnnxType.Int64, -1, 2)
            .AddInitializer("two", [2L], 1)
            .AddNode("Reshape", ["SIZE", "two"], ["dims"])
            .AddNode("ConstantOfShape", ["dims"], ["m0"]);
        for (var i = 0; i < MatMuls; i++)
        {
            builder.AddNode("MatMul", [$"m{i}", "m0"], [$"m{i + 1}"]);
        }

        // SUM is [batch, 1]: the [1, 1] total broadcast over a zero per row, so the output keeps the batch dimension.
        var onnx = builder
            .AddNode("ReduceSum", [$"m{MatMuls}"], ["total"], OnnxAttributes.Int("keepdims", 1))
            .AddInitializer("zero", [0f], 1)
            .AddInitializer("rows", [1L], 1)
            .AddNode("Cast", ["SIZE"], ["size_float"], OnnxAttributes.CastTo(OnnxType.Float))
            .AddNode("Mul", ["size_float", "zero"], ["zeros"])
            .AddNode("ReduceSum", ["zeros", "rows"], ["zero_per_row"], OnnxAttributes.Int("keepdims", 1))
            .AddNode("Add", ["zero_per_row", "total"], ["SUM"])
            .AddOutput("SUM", OnnxType.Float, -1, 1)
            .ToByteArray();

        // One row per batch (SIZE is read as the shape of one matrix), one instance on one thread (the server's own
        // threads keep a core while it computes), and a queue policy that rejects late requests.
        SampleRepositoryWriter.WriteModel(root, Model, onnx,
            $"name: \"{Model}\"\nplatform: \"onnxruntime_onnx\"\nmax_batch_size: 1\n" +
            "dynamic_batching { default_queue_policy { timeout_action: REJECT allow_timeout_override: true } }\n" +
            "instance_group [ { count: 1, kind: KIND_CPU } ]\n" +
            "parameters { key: \"intra_op_thread_count\" value { string_value: \"1\" } }\n");
    }

    private static ByteArrayContent HttpBody(long size, ulong timeoutMicroseconds = 0)
    {
        var body = new JsonObject
        {
            ["inputs"] = new JsonArray(HttpInfer.Input("SIZE", "INT64", [1, 2], [size, size])),
        };
        if (timeoutMicroseconds > 0)
        {
            body["parameters"] = new JsonObject { ["timeout"] = timeoutMicroseconds };
        }

        return HttpInfer.Json(body);
    }

    private static ModelInferRequest GrpcRequest(long size, ulong timeoutMicroseconds)
    {
        var input = new ModelInferRequest.Types.InferInputTensor { Name = "SIZE", Datatype = "INT64", Shape = { 1, 2 } };
        input.Contents = new InferTensorContents { Int64Contents = { size, size } };
        var request = new ModelInferRequest { ModelName = Model, Inputs = { input } };
        request.Parameters["timeout"] = new InferParameter { Int64Param = (long)timeoutMicroseconds };
        return request;
    }

    // Slow requests: one runs on the only instance, the others (queued) wait in the queue behind it.
    private static async Task<Task<HttpResponseMessage>[]> OccupyAsync(TestServer server, int queued = 1)
    {
        var slow = Enumerable.Range(0, queued + 1).Select(_ => HttpInfer.PostAsync(server.Http, Model, HttpBody(SlowSize))).ToArray();
        await server.WaitForQueuedAsync(Model, queued);
        return slow;
    }

    private static async Task AnsweredAsync(Task<HttpResponseMessage>[] slow)
    {
        foreach (var request in slow)
        {
            using var response = await request.WithTimeout();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task QueuedRequest_AnsweredAtItsDeadline_WhileASlowExecutionRuns()
    {
        await using var server = await TestServer.StartAsync(WriteSlowModel);

        // Both clients' first calls (connections, code paths) are behind us before the clock matters.
        await AnsweredAsync([HttpInfer.PostAsync(server.Http, Model, HttpBody(1))]);
        await server.Grpc.ModelInferAsync(GrpcRequest(1, timeoutMicroseconds: 0)).WithTimeout();
        var slow = await OccupyAsync(server);
        var started = Stopwatch.GetTimestamp();

        var overHttp = HttpInfer.PostAsync(server.Http, Model, HttpBody(1, timeoutMicroseconds: 100_000));
        var overGrpc = server.Grpc.ModelInferAsync(GrpcRequest(1, timeoutMicroseconds: 100_000));

        // Both queued behind the slow pair (not refused at the door: the tiny warm-up executions are all that was measured).
        await server.WaitForQueuedAsync(Model, 3);

        using (var response = await overHttp.WithTimeout())
        {
            var message = await HttpInfer.AssertErrorAsync(response, HttpStatusCode.ServiceUnavailable);
            Assert.Contains("timed out", message, StringComparison.Ordinal);
        }

        var error = await Assert.ThrowsAsync<RpcException>(() => overGrpc.WithTimeout());
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains("timed out", error.Status.Detail, StringComparison.Ordinal);

        // Both answered while the first slow request still runs: the second is still waiting for the instance.
        Assert.Equal(1, server.Model(Model).PendingRequestCount);
        output.WriteLine($"deadline answers after {Stopwatch.GetElapsedTime(started).TotalMilliseconds:F0} ms");
        await AnsweredAsync(slow);
        output.WriteLine($"slow requests answered after {Stopwatch.GetElapsedTime(started).TotalMilliseconds:F0} ms");
    }

    [Fact]
    public async Task TimeoutShorterThanExpectedWait_RefusedAtOnce_WithRetryAfterAndPushback()
    {
        await using var server = await TestServer.StartAsync(WriteSlowModel);

        // Both clients' first calls behind us, then a slow execution measured: from now on the server knows what the queue ahead costs.
        await AnsweredAsync([HttpInfer.PostAsync(server.Http, Model, HttpBody(1))]);
        await server.Grpc.ModelInferAsync(GrpcRequest(1, timeoutMicroseconds: 0)).WithTimeout();
        await AnsweredAsync([HttpInfer.PostAsync(server.Http, Model, HttpBody(SlowSize))]);
        // Two queued: on a loaded machine the refused requests may arrive after the first slow execution, still behind one.
        var slow = await OccupyAsync(server, queued: 2);
        var statistics = server.Model(Model).Statistics;

        using (var response = await HttpInfer.PostAsync(server.Http, Model, HttpBody(1, timeoutMicroseconds: 1_000)).WithTimeout())
        {
            var retryAfter = response.Headers.RetryAfter?.Delta;
            var message = await HttpInfer.AssertErrorAsync(response, HttpStatusCode.ServiceUnavailable);
            Assert.Contains($"model '{Model}'", message, StringComparison.Ordinal);
            Assert.Contains("queue timeout of 1000 µs cannot be met", message, StringComparison.Ordinal);
            Assert.Contains("requests queued ahead of it is", message, StringComparison.Ordinal);
            Assert.NotNull(retryAfter);
            Assert.True(retryAfter >= TimeSpan.FromSeconds(1), $"Retry-After {retryAfter}");
            output.WriteLine($"HTTP: {message} (Retry-After {retryAfter})");
        }

        var error = await Assert.ThrowsAsync<RpcException>(() => server.Grpc.ModelInferAsync(GrpcRequest(1, timeoutMicroseconds: 1_000)).WithTimeout());
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains($"model '{Model}'", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("queue timeout of 1000 µs cannot be met", error.Status.Detail, StringComparison.Ordinal);
        var pushback = error.Trailers.GetValue("grpc-retry-pushback-ms");
        Assert.NotNull(pushback);
        Assert.True(long.Parse(pushback, System.Globalization.CultureInfo.InvariantCulture) >= 1_000, $"pushback {pushback} ms");

        // Refused at the door: nothing was added to the queue, and each refusal counted once.
        Assert.InRange(server.Model(Model).PendingRequestCount, 1, 2);
        Assert.Equal(2, statistics.Fail.Count);
        await AnsweredAsync(slow);
    }
}
