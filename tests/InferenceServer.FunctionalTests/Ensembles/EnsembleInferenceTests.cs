using System.Net;
using Grpc.Core;
using InferenceServer.FunctionalTests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using static InferenceServer.FunctionalTests.Infrastructure.EnsembleRepositories;

namespace InferenceServer.FunctionalTests.Ensembles;

/// <summary>
/// Ensembles through the real server, over HTTP and gRPC. Invariants: a graph with a fan-out and a join gives exactly
/// the composed result; each step goes through its composing model's scheduler, so concurrent ensemble requests batch
/// there (its execution_count below its inference_count) and each model counts its own executions; a failing step fails
/// the request with a message naming the step and the composing model's reason; the response cache answers a repeated
/// ensemble request without running any step.
/// </summary>
public sealed class EnsembleInferenceTests
{
    [Fact]
    public async Task Diamond_GivesTheComposedResult_OverHttpAndGrpc()
    {
        await using var server = await TestServer.StartAsync(root => WriteDiamond(root));

        var x = Input(batch: 3, seed: -5);
        Assert.Equal(Tripled(x), await InferHttpAsync(server.Http, x));
        Assert.Equal(Tripled(x), await InferGrpcAsync(server.Grpc, x));

        var metadata = await server.Grpc.ModelMetadataAsync(Diamond).WithTimeout();
        Assert.Equal("ensemble", metadata.Platform);
        var ensemble = (await server.Grpc.ModelStatisticsAsync(Diamond).WithTimeout()).ModelStats.Single();
        Assert.Equal(2ul, ensemble.InferenceStats.Success.Count);
        Assert.Equal(6ul, ensemble.InferenceCount);
        foreach (var model in new[] { Inc, Dbl, Dec, Join })
        {
            var composing = (await server.Grpc.ModelStatisticsAsync(model).WithTimeout()).ModelStats.Single();
            Assert.Equal(2ul, composing.InferenceStats.Success.Count);
            Assert.Equal(6ul, composing.InferenceCount);
        }

        var index = await server.Grpc.RepositoryIndexAsync().WithTimeout();
        var row = Assert.Single(index.Models, m => m.Name == Diamond);
        Assert.Equal("READY", row.State);
        Assert.Equal("ensemble of 'inc', 'dbl', 'dec', 'join'", row.Reason);
    }

    [Fact]
    public async Task ConcurrentEnsembleRequests_BatchAtTheComposingModel()
    {
        // inc holds its queue for a second of the fake clock: the four requests' first steps wait there together.
        var time = new FakeTimeProvider();
        await using var server = await TestServer.StartAsync(
            root => WriteDiamond(root, incScheduling: "dynamic_batching { max_queue_delay_microseconds: 1000000 }\n"), time: time);

        var inputs = Enumerable.Range(0, 4).Select(i => Input(batch: 1, seed: 10 * i)).ToArray();
        var answers = inputs.Select((x, i) => i % 2 == 0 ? InferHttpAsync(server.Http, x) : InferGrpcAsync(server.Grpc, x)).ToArray();
        await server.WaitForQueuedAsync(Inc, 4);
        time.Advance(TimeSpan.FromSeconds(1));

        for (var i = 0; i < inputs.Length; i++)
        {
            Assert.Equal(Tripled(inputs[i]), await answers[i].WithTimeout());
        }

        var inc = (await server.Grpc.ModelStatisticsAsync(Inc).WithTimeout()).ModelStats.Single();
        Assert.Equal(4ul, inc.InferenceCount);
        Assert.Equal(1ul, inc.ExecutionCount);
        Assert.Equal(4ul, Assert.Single(inc.BatchStats).BatchSize);
        var ensemble = (await server.Grpc.ModelStatisticsAsync(Diamond).WithTimeout()).ModelStats.Single();
        Assert.Equal(4ul, ensemble.InferenceStats.Success.Count);
        Assert.Equal(4ul, ensemble.InferenceCount);
    }

    [Fact]
    public async Task FailingStep_FailsTheRequest_NamingTheStepAndTheModelsReason()
    {
        // any takes any width; inc takes 4: a request 3 wide passes the first step and fails the second.
        await using var server = await TestServer.StartAsync(root =>
        {
            WriteUnary(root, "any", "Add", 1f, width: -1);
            WriteUnary(root, Inc, "Add", 1f);
            WriteEnsemble(root, "strict", """
                step [
                  { model_name: "any" input_map { key: "IN" value: "x" } output_map { key: "OUT" value: "a" } },
                  { model_name: "inc" input_map { key: "IN" value: "a" } output_map { key: "OUT" value: "y" } }
                ]
                """, inputDims: "-1");
        });

        using var response = await HttpInfer.PostAsync(server.Http, "strict", Json(Input(1, width: 3), width: 3));
        var message = await HttpInfer.AssertErrorAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("ensemble 'strict' step 1 (model 'inc') failed: ", message, StringComparison.Ordinal);
        Assert.Contains("'IN'", message, StringComparison.Ordinal);

        var grpc = await Assert.ThrowsAsync<RpcException>(() => server.Grpc.ModelInferAsync(GrpcRequest(Input(1, width: 3), "strict", width: 3)).WithTimeout());
        Assert.Equal(StatusCode.InvalidArgument, grpc.StatusCode);
        Assert.Contains("ensemble 'strict' step 1 (model 'inc') failed: ", grpc.Status.Detail, StringComparison.Ordinal);

        var x = Input(2);
        Assert.Equal(x.Select(v => v + 2), await InferHttpAsync(server.Http, x, "strict"));
        var strict = (await server.Grpc.ModelStatisticsAsync("strict").WithTimeout()).ModelStats.Single();
        Assert.Equal(2ul, strict.InferenceStats.Fail.Count);
        Assert.Equal(1ul, strict.InferenceStats.Success.Count);
    }

    [Fact]
    public async Task ResponseCacheOnTheEnsemble_AnswersARepeatedRequestWithoutRunningAnyStep()
    {
        await using var server = await TestServer.StartAsync(root => WriteDiamond(root, diamondExtra: "response_cache { enable: true }"),
            options => options.CacheConfig = ["local,size=1048576"]);

        var x = Input(batch: 2, seed: 1);
        Assert.Equal(Tripled(x), await InferGrpcAsync(server.Grpc, x));
        Assert.Equal(Tripled(x), await InferHttpAsync(server.Http, x));

        var ensemble = (await server.Grpc.ModelStatisticsAsync(Diamond).WithTimeout()).ModelStats.Single();
        Assert.Equal(1ul, ensemble.InferenceStats.CacheHit.Count);
        Assert.Equal(1ul, ensemble.InferenceStats.CacheMiss.Count);
        var inc = (await server.Grpc.ModelStatisticsAsync(Inc).WithTimeout()).ModelStats.Single();
        Assert.Equal(1ul, inc.InferenceStats.Success.Count);
    }
}
