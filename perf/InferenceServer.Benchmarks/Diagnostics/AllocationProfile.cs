using System.Globalization;
using InferenceServer.Benchmarks.Batching;
using InferenceServer.Benchmarks.Grpc;
using InferenceServer.Benchmarks.Http;
using InferenceServer.Benchmarks.Inference;
using InferenceServer.Benchmarks.Infrastructure;

namespace InferenceServer.Benchmarks.Diagnostics;

/// <summary>
/// <c>--allocation-profile</c>: runs the per-request benchmarks' own code many times in this process and
/// prints, per scenario, the exact bytes allocated per request (<see cref="GC.GetTotalAllocatedBytes(bool)"/>,
/// all threads) and an estimated split by type with each type's object size
/// (<see cref="AllocationSampleListener"/>), so a number in the BenchmarkDotNet table can be traced to the
/// objects behind it.
/// </summary>
internal static class AllocationProfile
{
    public const string Flag = "--allocation-profile";

    private const int WarmupRequests = 5_000;
    private const int MeasuredRequests = 100_000;
    private const int TopTypes = 14;

    public static void Run()
    {
        using var listener = new AllocationSampleListener();
        Console.WriteLine($"Allocations per request, exact total and estimated split by type ({MeasuredRequests} requests per scenario)");

        var http = new HttpInferBenchmarks();
        http.Setup();
        Profile(listener, "HTTP handler, binary", 16, () => http.HandlerBinary().GetAwaiter().GetResult());
        Profile(listener, "HTTP handler, JSON", 16, () => http.HandlerJson().GetAwaiter().GetResult());
        Profile(listener, "HTTP parse, binary", 1, http.ParseBinary);
        Profile(listener, "HTTP parse, JSON", 1, http.ParseJson);
        http.Cleanup();

        var grpc = new GrpcInferBenchmarks();
        grpc.Setup();
        Profile(listener, "gRPC ModelInfer (request message reused)", 16, () => grpc.ModelInfer().GetAwaiter().GetResult());
        Profile(listener, "gRPC GrpcRequestMapper.Map", 1, grpc.MapRequest);
        Profile(listener, "gRPC GrpcResponses.Infer (protobuf objects)", 1, () => grpc.BuildResponse());
        grpc.Cleanup();

        var core = new ModelInferBenchmarks();
        core.Setup();
        Profile(listener, "ModelVersion.InferAsync (shared core)", 16, () => core.InferAsync().GetAwaiter().GetResult());
        core.Cleanup();

        var instance = new InstanceExecuteBenchmarks { Model = BenchmarkModel.Simple };
        instance.Setup();
        Profile(listener, "OnnxModelInstance.Execute, simple, batch of 1", 1, instance.Execute1);
        Profile(listener, "OnnxModelInstance.Execute, simple, batch of 8", 8, instance.Execute8);
        instance.Cleanup();
    }

    private static void Profile(AllocationSampleListener listener, string scenario, int requestsPerCall, Action call)
    {
        for (var i = 0; i < WarmupRequests / requestsPerCall; i++)
        {
            call();
        }

        var calls = MeasuredRequests / requestsPerCall;
        var requests = (double)calls * requestsPerCall;
        listener.Start();
        var before = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < calls; i++)
        {
            call();
        }

        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        listener.Stop();

        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{scenario}: {allocated / requests:F0} B per request"));
        foreach (var (type, bytes) in listener.BytesByType.OrderByDescending(p => p.Value).Take(TopTypes))
        {
            var size = listener.SizeByType.TryGetValue(type, out var objectSize) ? objectSize : 0;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  ~{bytes / requests,6:F0} B  {size,6} B each  {type}"));
        }
    }
}
