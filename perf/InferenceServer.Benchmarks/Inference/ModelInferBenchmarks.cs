using BenchmarkDotNet.Attributes;
using InferenceServer.Benchmarks.Infrastructure;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Memory;
using InferenceServer.Core.Models;
using InferenceServer.Core.Tensors;

namespace InferenceServer.Benchmarks.Inference;

/// <summary>
/// The part of every request that both front ends share, for Triton's <c>simple</c>: a pooled request with
/// two inputs over pinned memory, <c>ModelVersion.InferAsync</c> (validation, the scheduler's queue, the
/// instance thread, one ONNX Runtime run, the completion back on the thread pool), then reset and returned.
/// What this allocates per request is in the HTTP and gRPC numbers too.
/// </summary>
[MemoryDiagnoser]
public class ModelInferBenchmarks
{
    private const int RequestsPerInvoke = 16;

    private BenchmarkServer _server = null!;
    private ModelVersion _model = null!;
    private InferenceRequestPool _requests = null!;
    private TensorSpec _input0 = null!;
    private TensorSpec _input1 = null!;
    private PinnedBuffer _data0 = null!;
    private PinnedBuffer _data1 = null!;
    private TensorShape _shape;

    [GlobalSetup]
    public void Setup()
    {
        _server = new BenchmarkServer(BenchmarkModels.Simple());
        _model = _server.Model("simple");
        _requests = _server.Context.Requests;
        _input0 = _model.Signature.FindInput("INPUT0")!;
        _input1 = _model.Signature.FindInput("INPUT1")!;
        _data0 = Pinned(SimplePayloads.Input0Bytes);
        _data1 = Pinned(SimplePayloads.Input1Bytes);
        _shape = TensorShape.Create([1, SimplePayloads.Width]);
        InferAsync().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _data0.Dispose();
        _data1.Dispose();
        _server.Dispose();
    }

    [Benchmark(OperationsPerInvoke = RequestsPerInvoke)]
    public async Task InferAsync()
    {
        for (var i = 0; i < RequestsPerInvoke; i++)
        {
            var request = _requests.Rent();
            InferenceRequest.SetInputData(request.AddInput(_input0.Name, DataType.Int32, _shape, _input0), _data0.Memory);
            InferenceRequest.SetInputData(request.AddInput(_input1.Name, DataType.Int32, _shape, _input1), _data1.Memory);
            await _model.InferAsync(request).ConfigureAwait(false);
            var error = request.Error;
            var outputs = request.Outputs.Length;
            _requests.Return(request);
            if (error.IsError || outputs != 2)
            {
                throw new InvalidOperationException($"inference failed: {error.Message}");
            }
        }
    }

    private PinnedBuffer Pinned(byte[] data)
    {
        var buffer = _server.Buffers.Rent(data.Length);
        data.CopyTo(buffer.Span);
        return buffer;
    }
}
