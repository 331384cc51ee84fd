using System.Diagnostics.CodeAnalysis;
using BenchmarkDotNet.Attributes;
using InferenceServer.Benchmarks.Infrastructure;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Models;

namespace InferenceServer.Benchmarks.Batching;

/// <summary>
/// Gather/scatter through the real scheduler and ONNX Runtime instance: N one-row requests are enqueued with
/// <c>ModelVersion.InferAsync</c> (max_batch_size 64, dynamic batching, one instance with one intra-op
/// thread), then all are awaited, checked, reset and returned to the pool. The instance gathers each input
/// into one pooled pinned buffer, runs once per batch, and scatters the outputs back as slices of one shared
/// buffer. Numbers are per request (OperationsPerInvoke = N); per batch is N times that. The average batch
/// size each model saw is printed in the benchmark's log at cleanup.
/// </summary>
[MemoryDiagnoser]
public class SchedulerBatchBenchmarks
{
    private BenchmarkServer _server = null!;
    private ModelVersion _model8 = null!;
    private ModelVersion _model64 = null!;
    private BatchRequests _inputs = null!;
    private InferenceRequestPool _requests = null!;
    private readonly InferenceRequest[] _pending = new InferenceRequest[64];
    private readonly ValueTask[] _waits = new ValueTask[64];

    [Params(BenchmarkModel.Simple, BenchmarkModel.Mlp)]
    public BenchmarkModel Model { get; set; }

    [Params(BatchFormation.QueueDelay0, BatchFormation.PreferredN)]
    public BatchFormation Formation { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var preferred = Formation == BatchFormation.PreferredN;
        _server = new BenchmarkServer(
            BenchmarkModels.Batched(Model, "batch8", preferred ? 8 : null),
            BenchmarkModels.Batched(Model, "batch64", preferred ? 64 : null));
        _model8 = _server.Model("batch8");
        _model64 = _server.Model("batch64");
        _inputs = new BatchRequests(Model, _model8.Signature, _server.Buffers);
        _requests = _server.Context.Requests;
        Batch8().GetAwaiter().GetResult();
        Batch64().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var model in (ReadOnlySpan<ModelVersion>)[_model8, _model64])
        {
            var statistics = model.Statistics;
            Console.WriteLine(
                $"// {Model} {Formation} {model.Name}: {statistics.InferenceCount} requests in {statistics.ExecutionCount} executions, " +
                $"average batch {(double)statistics.InferenceCount / Math.Max(1, statistics.ExecutionCount):F1}");
        }

        _inputs.Dispose();
        _server.Dispose();
    }

    [Benchmark(OperationsPerInvoke = 8)]
    public Task Batch8() => RunBatch(_model8, 8);

    [Benchmark(OperationsPerInvoke = 64)]
    public Task Batch64() => RunBatch(_model64, 64);

    [SuppressMessage("Reliability", "CA2012:Use ValueTasks correctly", Justification = "Each ValueTask is awaited exactly once, after all N requests are queued.")]
    private async Task RunBatch(ModelVersion model, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var request = _requests.Rent();
            _inputs.Fill(request);
            _pending[i] = request;
            _waits[i] = model.InferAsync(request);
        }

        for (var i = 0; i < count; i++)
        {
            await _waits[i].ConfigureAwait(false);
            _waits[i] = default;
            var request = _pending[i];
            _pending[i] = null!;
            var error = request.Error;
            var outputs = request.Outputs.Length;
            _requests.Return(request);
            if (error.IsError || outputs == 0)
            {
                throw new InvalidOperationException($"inference failed: {error.Message}");
            }
        }
    }
}
