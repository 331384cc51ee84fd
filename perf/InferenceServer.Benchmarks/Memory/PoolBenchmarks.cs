using BenchmarkDotNet.Attributes;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Memory;

namespace InferenceServer.Benchmarks.Memory;

/// <summary>
/// One rent and return of each pool the request path uses, so the per-request numbers can be split into
/// what a pool round trip costs and what the rest costs: a pinned buffer (body, JSON input data, outputs)
/// and an <see cref="InferenceRequest"/>.
/// </summary>
[MemoryDiagnoser]
public class PoolBenchmarks
{
    private readonly PinnedBufferPool _buffers = new();
    private readonly InferenceRequestPool _requests = new();

    [GlobalSetup]
    public void Setup()
    {
        PinnedBufferRentReturn();
        RequestRentReturn();
    }

    [GlobalCleanup]
    public void Cleanup() => _buffers.Dispose();

    [Benchmark]
    public void PinnedBufferRentReturn()
    {
        var buffer = _buffers.Rent(256);
        buffer.Dispose();
    }

    [Benchmark]
    public void RequestRentReturn() => _requests.Return(_requests.Rent());
}
