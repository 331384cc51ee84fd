using BenchmarkDotNet.Attributes;
using InferenceServer.Benchmarks.Infrastructure;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Memory;
using InferenceServer.Core.Models;
using InferenceServer.Core.Models.Config;
using InferenceServer.OnnxRuntime;

namespace InferenceServer.Benchmarks.Batching;

/// <summary>
/// Gather/scatter without the scheduler: <c>IModelInstance.Execute</c> of the ONNX Runtime instance (from
/// <c>OnnxRuntimeBackend.Load</c>, max_batch_size 64, one intra-op thread) called directly with N prepared
/// one-row requests on the benchmark thread. N = 1 is the in-place path (OrtValues over the request's own
/// memory, no gather); N &gt; 1 gathers each input into a pooled pinned buffer and scatters the outputs as
/// slices of one shared buffer. Each request's outputs are released after the call. Numbers are per request
/// (OperationsPerInvoke = N); per batch is N times that.
/// </summary>
[MemoryDiagnoser]
public class InstanceExecuteBenchmarks
{
    private readonly InferenceRequest[] _batch = new InferenceRequest[64];
    private PinnedBufferPool _pool = null!;
    private string _root = null!;
    private IModelRuntime _runtime = null!;
    private IModelInstance _instance = null!;
    private BatchRequests _inputs = null!;

    [Params(BenchmarkModel.Simple, BenchmarkModel.Mlp)]
    public BenchmarkModel Model { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        const string Name = "batched";
        var sample = BenchmarkModels.Batched(Model, Name, preferredBatchSize: null);
        _root = Path.Combine(Path.GetTempPath(), "is-bench-" + Guid.NewGuid().ToString("N"));
        ModelBuilder.Repository.SampleRepositoryWriter.WriteModel(_root, Name, sample.Onnx, sample.Config);
        var modelDirectory = Path.Combine(_root, Name);
        var config = ProtoTextParser.ParseModelConfig(sample.Config, Path.Combine(modelDirectory, "config.pbtxt"));

        _pool = new PinnedBufferPool();
        _runtime = new OnnxRuntimeBackend(_pool).Load(new ModelLoadRequest(Name, 1, modelDirectory, Path.Combine(modelDirectory, "1"), config));
        _instance = _runtime.Instances[0];
        _inputs = new BatchRequests(Model, ModelSignatureFactory.FromConfig(_runtime.Config), _pool);
        for (var i = 0; i < _batch.Length; i++)
        {
            _batch[i] = new InferenceRequest();
            _inputs.Fill(_batch[i]);
        }

        Execute1();
        Execute8();
        Execute64();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var request in _batch)
        {
            request.TryReset();
        }

        _inputs.Dispose();
        _runtime.Dispose();
        _pool.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [Benchmark(OperationsPerInvoke = 1)]
    public void Execute1() => Execute(1);

    [Benchmark(OperationsPerInvoke = 8)]
    public void Execute8() => Execute(8);

    [Benchmark(OperationsPerInvoke = 64)]
    public void Execute64() => Execute(64);

    private void Execute(int count)
    {
        var batch = _batch.AsSpan(0, count);
        _instance.Execute(batch);
        foreach (var request in batch)
        {
            var error = request.Error;
            var outputs = request.Outputs.Length;

            // Releases the outputs (the shared batch buffer goes back to the pool with the last one), then
            // puts the same inputs back, as the next request of the same shape would arrive.
            request.TryReset();
            _inputs.Fill(request);
            if (error.IsError || outputs == 0)
            {
                throw new InvalidOperationException($"inference failed: {error.Message}");
            }
        }
    }
}
