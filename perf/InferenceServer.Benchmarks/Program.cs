using BenchmarkDotNet.Running;
using InferenceServer.Benchmarks;
using InferenceServer.Benchmarks.Budgets;
using InferenceServer.Benchmarks.Diagnostics;
using InferenceServer.Benchmarks.Telemetry;
using InferenceServer.Benchmarks.Tracing;

// dotnet run -c Release --project perf/InferenceServer.Benchmarks -- --filter '*' [--quick]
// Filters select classes or methods: --filter '*Http*', '*GrpcInferBenchmarks.ModelInfer', '*Batch*'.
// --allocation-profile prints which types make up the per-request allocations (no BenchmarkDotNet run).
// --wake-latency prints what a thread hop costs on this machine (Monitor wake, thread-pool dispatch).
// --tracing-cost [ROUNDS] measures what tracing costs the handler, its modes alternating in one process (ratios to off).
// --profiling-cost [ROUNDS] measures what the telemetry sketches cost the handler, on and off alternating likewise.
// --check-budgets perf/allocation-budgets.json [SUBSTRING] runs the budgeted benchmarks directly and exits 1
// when one allocates more than its budget (no BenchmarkDotNet run; under a minute).
if (args.Contains(AllocationProfile.Flag))
{
    AllocationProfile.Run();
    return 0;
}

if (args.Contains(WakeLatency.Flag))
{
    WakeLatency.Run();
    return 0;
}

if (Array.IndexOf(args, ProfilingCostProbe.Flag) is var profiling and >= 0)
{
    ProfilingCostProbe.Run(profiling + 1 < args.Length ? int.Parse(args[profiling + 1], System.Globalization.CultureInfo.InvariantCulture) : 30);
    return 0;
}

if (Array.IndexOf(args, TracingCostProbe.Flag) is var tracing and >= 0)
{
    TracingCostProbe.Run(tracing + 1 < args.Length ? int.Parse(args[tracing + 1], System.Globalization.CultureInfo.InvariantCulture) : 30);
    return 0;
}

if (Array.IndexOf(args, AllocationBudgetCheck.Flag) is var check and >= 0)
{
    if (check + 1 >= args.Length)
    {
        Console.Error.WriteLine($"usage: {AllocationBudgetCheck.Flag} BUDGET_FILE [SUBSTRING]");
        return 2;
    }

    if (!FullyOptimizedProcess.IsCurrent)
    {
        return FullyOptimizedProcess.Relaunch(args);
    }

    return AllocationBudgetCheck.Run(args[check + 1], check + 2 < args.Length ? args[check + 2] : null);
}

var quick = args.Contains(BenchmarkConfig.QuickFlag);
BenchmarkSwitcher.FromAssembly(typeof(BenchmarkConfig).Assembly)
    .Run([.. args.Where(a => a != BenchmarkConfig.QuickFlag)], BenchmarkConfig.Create(quick));
return 0;
