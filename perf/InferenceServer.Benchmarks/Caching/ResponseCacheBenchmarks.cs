using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using Inference;
using InferenceServer.Benchmarks.Infrastructure;
using InferenceServer.Core.Caching;
using InferenceServer.ModelBuilder.Repository;
using InferenceServer.Protocols.Grpc;

namespace InferenceServer.Benchmarks.Caching;

/// <summary>
/// The response cache's hit path against a computed answer, through the gRPC service method and the one pipeline (as
/// <see cref="Grpc.GrpcInferBenchmarks.ModelInfer"/>): <see cref="Computed"/> runs the model on a server without a cache,
/// <see cref="CacheHit"/> answers the same message from the local cache of a server whose model enables it (key over the
/// inputs, LRU lookup, copy of the output tensors into pooled buffers). For <c>simple</c> the model's run costs a few
/// microseconds, so the two are close; the MLP shows what a hit saves on a model that computes.
/// </summary>
[MemoryDiagnoser]
public class ResponseCacheBenchmarks
{
    private const int RequestsPerInvoke = 16;

    private BenchmarkServer _computedServer = null!;
    private BenchmarkServer _cachedServer = null!;
    private GrpcInferenceServiceImpl _computed = null!;
    private GrpcInferenceServiceImpl _cached = null!;
    private ModelInferRequest _message = null!;

    [Params(BenchmarkModel.Simple, BenchmarkModel.Mlp)]
    public BenchmarkModel Model { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var model = Model == BenchmarkModel.Simple ? BenchmarkModels.Simple() : BenchmarkModels.Batched(BenchmarkModel.Mlp, "mlp", preferredBatchSize: null);
        var cachedModel = new SampleModel(model.Name, model.Config + "\nresponse_cache { enable: true }\n", model.Onnx);
        _computedServer = new BenchmarkServer(model);
        _cachedServer = new BenchmarkServer(new LocalResponseCache(64L << 20), cachedModel);
        _computed = new GrpcInferenceServiceImpl(_computedServer.Context);
        _cached = new GrpcInferenceServiceImpl(_cachedServer.Context);
        _message = Model == BenchmarkModel.Simple ? SimplePayloads.GrpcRequest() : MlpRequest(model.Name);

        // The first call misses and stores; every measured call is a hit.
        var computed = _computed.ModelInfer(_message, null!).GetAwaiter().GetResult();
        var cached = _cached.ModelInfer(_message, null!).GetAwaiter().GetResult();
        cached = _cached.ModelInfer(_message, null!).GetAwaiter().GetResult();
        if (!computed.RawOutputContents.SequenceEqual(cached.RawOutputContents) || _cachedServer.Model(model.Name).Statistics.CacheHit.Count != 1)
        {
            throw new InvalidOperationException("the cached answer is not the computed one");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _computedServer.Dispose();
        _cachedServer.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = RequestsPerInvoke)]
    public Task Computed() => Run(_computed);

    [Benchmark(OperationsPerInvoke = RequestsPerInvoke)]
    public Task CacheHit() => Run(_cached);

    private async Task Run(GrpcInferenceServiceImpl service)
    {
        for (var i = 0; i < RequestsPerInvoke; i++)
        {
            var response = await service.ModelInfer(_message, null!).ConfigureAwait(false);
            if (response.RawOutputContents.Count == 0)
            {
                throw new InvalidOperationException("ModelInfer answered without outputs");
            }
        }
    }

    private static ModelInferRequest MlpRequest(string name)
    {
        var request = new ModelInferRequest { ModelName = name };
        var input = new ModelInferRequest.Types.InferInputTensor { Name = "INPUT0", Datatype = "FP32" };
        input.Shape.Add([1, BenchmarkModels.MlpInputs]);
        request.Inputs.Add(input);
        request.RawInputContents.Add(ByteString.CopyFrom(Enumerable.Range(0, BenchmarkModels.MlpInputs).SelectMany(v => BitConverter.GetBytes(v / 256f)).ToArray()));
        return request;
    }
}
