using BenchmarkDotNet.Running;
using InferenceServer.Benchmarks;
using InferenceServer.Benchmarks.Diagnostics;

// dotnet run -c Release --project perf/InferenceServer.Benchmarks -- --filter '*' [--quick]
// Filters select classes or methods: --filter '*Http*', '*GrpcInferBenchmarks.ModelInfer', '*Batch*'.
// --allocation-profile prints which types make up the per-request allocations (no BenchmarkDotNet run).
if (args.Contains(AllocationProfile.Flag))
{
    AllocationProfile.Run();
    return;
}

var quick = args.Contains(BenchmarkConfig.QuickFlag);
BenchmarkSwitcher.FromAssembly(typeof(BenchmarkConfig).Assembly)
    .Run([.. args.Where(a => a != BenchmarkConfig.QuickFlag)], BenchmarkConfig.Create(quick));
