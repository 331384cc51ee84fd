using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Grpc.Core;
using Inference;
using InferenceServer.Core.Models.Repository;
using InferenceServer.FunctionalTests.Infrastructure;
using InferenceServer.ModelBuilder.Onnx;
using InferenceServer.ModelBuilder.Repository;
using static InferenceServer.FunctionalTests.Infrastructure.EnsembleRepositories;
using OnnxType = InferenceServer.ModelBuilder.Onnx.TensorProto.Types.DataType;

namespace InferenceServer.FunctionalTests.Ensembles;

/// <summary>
/// Ensembles across loads and unloads, through the real server. Invariants:
/// <list type="number">
/// <item>Every load error (cycle, unknown model, datatype or shape mismatch, unmapped output, max_batch_size above a
/// composing model's) fails that ensemble's load with a reason naming the step and tensor, while the others serve.</item>
/// <item>Explicit mode: naming an ensemble at start-up (or loading it) loads its composing models.</item>
/// <item>A composing model swapped to a new version under continuous ensemble load fails no request, and the new
/// version serves the ensemble's steps; in poll mode a new composing version, and a new ensemble with a new composing
/// model found by the same poll, serve once the poll has loaded them.</item>
/// <item><c>unload_dependents</c> (HTTP and gRPC) unloads the ensembles that call the model; without it the ensemble
/// stays loaded and its requests fail naming the step whose model is gone.</item>
/// </list>
/// </summary>
public sealed class EnsembleLifecycleTests
{
    private static readonly (string Name, string Reason)[] Broken =
    [
        ("bad_cycle", "the steps form a cycle: step 0 (model 'dbl') reads 'c' written by step 1; step 1 (model 'dec') reads 'b' written by step 0"),
        ("bad_unknown_model", "step 1 (model 'nope'): the composing model is not ready: model 'nope' is not loaded"),
        ("bad_dtype", "tensor 'c' is INT32 (output 'OUT' of step 1 (model 'cast')) but input 'IN' of step 2 (model 'dbl') is FP32 (datatype mismatch)"),
        ("bad_shape", "tensor 'a' has shape [-1,4] (output 'OUT' of step 0 (model 'inc')) but input 'IN' of step 1 (model 'wide') has shape [-1,5] (shape mismatch)"),
        ("bad_unmapped", "ensemble output 'y' is not in any step's output_map (unmapped)"),
        ("bad_batch", "max_batch_size 16 is more than step 0 (model 'inc') allows (max_batch_size 8)"),
    ];

    private static void WriteBroken(string root)
    {
        WriteDiamond(root);
        WriteUnary(root, "wide", "Add", 1f, width: 5);
        var cast = new OnnxModelBuilder("cast")
            .AddInput("IN", OnnxType.Float, -1, Width)
            .AddNode("Cast", ["IN"], ["OUT"], OnnxAttributes.CastTo(OnnxType.Int32))
            .AddOutput("OUT", OnnxType.Int32, -1, Width)
            .ToByteArray();
        SampleRepositoryWriter.WriteModel(root, "cast", cast, "name: \"cast\"\nplatform: \"onnxruntime_onnx\"\nmax_batch_size: 8\n");
        WriteEnsemble(root, "bad_cycle", """
            step [
              { model_name: "dbl" input_map { key: "IN" value: "c" } output_map { key: "OUT" value: "b" } },
              { model_name: "dec" input_map { key: "IN" value: "b" } output_map { key: "OUT" value: "c" } },
              { model_name: "inc" input_map { key: "IN" value: "x" } output_map { key: "OUT" value: "y" } }
            ]
            """);
        WriteEnsemble(root, "bad_unknown_model", """
            step [
              { model_name: "inc" input_map { key: "IN" value: "x" } output_map { key: "OUT" value: "a" } },
              { model_name: "nope" input_map { key: "IN" value: "a" } output_map { key: "OUT" value: "y" } }
            ]
            """);
        WriteEnsemble(root, "bad_dtype", """
            step [
              { model_name: "inc" input_map { key: "IN" value: "x" } output_map { key: "OUT" value: "a" } },
              { model_name: "cast" input_map { key: "IN" value: "a" } output_map { key: "OUT" value: "c" } },
              { model_name: "dbl" input_map { key: "IN" value: "c" } output_map { key: "OUT" value: "y" } }
            ]
            """);
        WriteEnsemble(root, "bad_shape", """
            step [
              { model_name: "inc" input_map { key: "IN" value: "x" } output_map { key: "OUT" value: "a" } },
              { model_name: "wide" input_map { key: "IN" value: "a" } output_map { key: "OUT" value: "y" } }
            ]
            """, outputDims: "5");
        WriteEnsemble(root, "bad_unmapped", """
            step [ { model_name: "inc" input_map { key: "IN" value: "x" } output_map { key: "OUT" value: "z" } } ]
            """);
        WriteEnsemble(root, "bad_batch", DiamondSteps, maxBatchSize: 16);
    }

    [Fact]
    public async Task BrokenEnsembles_FailTheirLoadNamingStepAndTensor_WhileTheOthersServe()
    {
        await using var server = await TestServer.StartAsync(WriteBroken);
        server.ExpectLoadFailures([.. Broken.Select(b => b.Name)]);

        using var response = await server.Http.PostAsync("v2/repository/index", content: null).WithTimeout();
        var index = JsonNode.Parse(await response.Content.ReadAsStringAsync().WithTimeout())!.AsArray();
        foreach (var (name, reason) in Broken)
        {
            var row = Assert.Single(index, m => m!["name"]!.GetValue<string>() == name)!;
            Assert.Equal("UNAVAILABLE", row["state"]!.GetValue<string>());
            Assert.Equal($"ensemble '{name}': {reason}", row["reason"]!.GetValue<string>()[..($"ensemble '{name}': ".Length + reason.Length)]);
        }

        var x = Input(batch: 2);
        Assert.Equal(Tripled(x), await InferHttpAsync(server.Http, x));
        Assert.Equal(Tripled(x), await InferGrpcAsync(server.Grpc, x));
    }

    [Fact]
    public async Task ComposingModelSwappedUnderLoad_FailsNoEnsembleRequest()
    {
        string root = "";
        await using var server = await TestServer.StartAsync(r =>
        {
            root = r;
            WriteDiamond(r);
        }, options =>
        {
            options.ModelControlMode = ModelControlMode.Explicit;
            options.LoadModels = [Diamond];
        });

        // Naming only the ensemble at start-up loaded its composing models.
        Assert.All(new[] { Inc, Dbl, Dec, Join }, m => Assert.NotNull(server.Models.Find(m, 1)));

        using var stop = new CancellationTokenSource();
        var failures = new ConcurrentQueue<string>();
        var answers = new SemaphoreSlim(0);
        var clients = Enumerable.Range(0, 4).Select(client => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var x = Input(batch: 1 + (i % 3), seed: client * 1000 + i);
                try
                {
                    var y = client % 2 == 0 ? await InferHttpAsync(server.Http, x) : await InferGrpcAsync(server.Grpc, x);
                    if (!y.SequenceEqual(Tripled(x)))
                    {
                        failures.Enqueue($"client {client}: wrong answer [{string.Join(",", y)}]");
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    failures.Enqueue($"client {client}: {ex.Message}");
                }

                answers.Release();
            }
        })).ToArray();

        for (var version = 2; version <= 6; version++)
        {
            WriteUnary(root, Dbl, "Mul", 2f, version: version);
            await server.Grpc.RepositoryModelLoadAsync(Dbl).WithTimeout();
            Assert.NotNull(server.Models.Find(Dbl, version));

            // Requests sent after the swap run their dbl step on the new version.
            while (answers.CurrentCount > 0)
            {
                await answers.WaitAsync().WithTimeout();
            }

            for (var i = 0; i < 8; i++)
            {
                await answers.WaitAsync().WithTimeout();
            }
        }

        stop.Cancel();
        await Task.WhenAll(clients).WithTimeout();
        Assert.Empty(failures);
        var latest = (await server.Grpc.ModelStatisticsAsync(Dbl, "6").WithTimeout()).ModelStats.Single();
        Assert.True(latest.InferenceStats.Success.Count > 0);
    }

    [Fact]
    public async Task UnloadDependents_UnloadsTheEnsemblesThatCallTheModel()
    {
        await using var server = await TestServer.StartAsync(root => WriteDiamond(root), options =>
        {
            options.ModelControlMode = ModelControlMode.Explicit;
            options.LoadModels = [Diamond];
        });
        var x = Input(batch: 1);

        // HTTP: unloading dbl with its dependents takes diamond with it; inc stays.
        using var unload = await server.Http.PostAsync($"v2/repository/models/{Dbl}/unload",
            HttpInfer.Json("""{"parameters":{"unload_dependents":true}}""")).WithTimeout();
        Assert.Equal(HttpStatusCode.OK, unload.StatusCode);
        Assert.Equal("unloaded", await ReasonAsync(server, Diamond));
        Assert.Equal("unloaded", await ReasonAsync(server, Dbl));
        Assert.NotNull(server.Models.Find(Inc, 1));

        // Loading the ensemble again loads the composing model it lacks.
        await server.Grpc.RepositoryModelLoadAsync(Diamond).WithTimeout();
        Assert.Equal(Tripled(x), await InferGrpcAsync(server.Grpc, x));

        // Without unload_dependents the ensemble stays; its requests fail naming the step whose model is gone.
        await server.Grpc.RepositoryModelUnloadAsync(Dec).WithTimeout();
        Assert.Equal("ensemble of 'inc', 'dbl', 'dec', 'join'", await ReasonAsync(server, Diamond));
        var error = await Assert.ThrowsAsync<RpcException>(() => InferGrpcAsync(server.Grpc, x));
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains("ensemble 'diamond' step 2 (model 'dec') failed: ", error.Status.Detail, StringComparison.Ordinal);
        await server.Grpc.RepositoryModelLoadAsync(Dec).WithTimeout();
        Assert.Equal(Tripled(x), await InferHttpAsync(server.Http, x));

        // gRPC: the bool_param.
        var request = new RepositoryModelUnloadRequest { ModelName = Inc };
        request.Parameters.Add("unload_dependents", new ModelRepositoryParameter { BoolParam = true });
        await server.Grpc.RepositoryModelUnloadAsync(request).WithTimeout();
        Assert.Equal("unloaded", await ReasonAsync(server, Diamond));
        Assert.NotNull(server.Models.Find(Join, 1));
    }

    [Fact]
    public async Task PollMode_NewComposingVersionAndNewEnsemble_ServedOnceSettled()
    {
        string root = "";
        var (server, time) = await PollingServer.StartAsync(r =>
        {
            root = r;
            WriteDiamond(r);
        });
        await using var _ = server;
        var x = Input(batch: 2, seed: 3);
        Assert.Equal(Tripled(x), await InferHttpAsync(server.Http, x));

        // The poll that sees them settled finds dbl's version 2, a new model and a new ensemble over it, loaded in whatever order.
        WriteUnary(root, Dbl, "Mul", 2f, version: 2);
        WriteUnary(root, "triple", "Mul", 3f);
        WriteEnsemble(root, "triple_ensemble", """
            step [ { model_name: "triple" input_map { key: "IN" value: "x" } output_map { key: "OUT" value: "y" } } ]
            """);
        await PollingServer.PollAsync(server, time, times: 2);

        Assert.Equal(Tripled(x), await InferGrpcAsync(server.Grpc, x));
        Assert.Equal(Tripled(x), await InferGrpcAsync(server.Grpc, x, "triple_ensemble"));
        var dbl2 = (await server.Grpc.ModelStatisticsAsync(Dbl, "2").WithTimeout()).ModelStats.Single();
        Assert.Equal(1ul, dbl2.InferenceStats.Success.Count);
    }

    private static async Task<string> ReasonAsync(TestServer server, string model) =>
        Assert.Single((await server.Grpc.RepositoryIndexAsync().WithTimeout()).Models, m => m.Name == model).Reason;
}
