using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace InferenceServer.Benchmarks;

/// <summary>
/// One short job for the whole suite, sized so every benchmark runs in a few minutes on a 2-core VM:
/// one launch, 3 warm-up and 10 measured iterations of about 250 ms. <c>--quick</c> runs in process with
/// 1 warm-up and 3 iterations of 100 ms, for a smoke check that everything works (numbers are rougher).
/// </summary>
internal static class BenchmarkConfig
{
    public const string QuickFlag = "--quick";

    public static IConfig Create(bool quick)
    {
        var job = quick
            ? Job.Default.WithId("Quick").WithToolchain(InProcessEmitToolchain.Instance)
                .WithWarmupCount(1).WithIterationCount(3).WithIterationTime(TimeInterval.FromMilliseconds(100))
            : Job.Default.WithId("Short").WithLaunchCount(1)
                .WithWarmupCount(3).WithIterationCount(10).WithIterationTime(TimeInterval.FromMilliseconds(250));
        return DefaultConfig.Instance
            .AddJob(job.AsDefault())
            .AddDiagnoser(MemoryDiagnoser.Default)
            .WithArtifactsPath(Path.Combine("artifacts", "benchmarks"))
            .WithOptions(ConfigOptions.JoinSummary);
    }
}
