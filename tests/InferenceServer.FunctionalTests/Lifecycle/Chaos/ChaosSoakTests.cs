using System.Globalization;
using InferenceServer.FunctionalTests.Infrastructure;
using Xunit.Abstractions;

namespace InferenceServer.FunctionalTests.Lifecycle.Chaos;

/// <summary>
/// The short CI version of the chaos soak (<see cref="ChaosSoak"/>; perf/soak/chaos.sh runs the same test with
/// <c>CHAOS_SWAPS=100</c> and writes the per-swap curve to <c>CHAOS_CSV</c>, one file per mode): the published
/// native-AOT server taking changes through poll mode and through the load API, one swap per fault kind by default. Invariants:
/// <list type="number">
/// <item>No request to the healthy model fails, over HTTP or gRPC, and every answer comes from a version that was live
/// while the request was out; its ready endpoints answer 200 throughout.</item>
/// <item>Every fault shows in the index (the serving version's reason) or the metrics, as <see cref="ChaosSoak"/> says.</item>
/// <item>Open descriptors and threads (other than the thread pool's workers, which follow the load) end within a small
/// bound of where they were after the first round of faults, and RSS within a bound that only a leak of a version per
/// swap crosses (the full run's curve is in perf/README.md).</item>
/// </list>
/// </summary>
public sealed class ChaosSoakTests(ITestOutputHelper output)
{
    private const string SwapsVariable = "CHAOS_SWAPS";
    private const string CsvVariable = "CHAOS_CSV";
    private const int DescriptorGrowthBound = 16;
    private const int ThreadGrowthBound = 4;
    private const long RssGrowthBound = 96L << 20;

    [Theory]
    [InlineData(ChaosControl.Poll)]
    [InlineData(ChaosControl.Api)]
    public async Task VersionSwapsUnderLoad_WithAFaultBeforeEach_FailNoHealthyRequest_ShowEveryFault_KeepResourcesFlat(ChaosControl control)
    {
        var swaps = Environment.GetEnvironmentVariable(SwapsVariable) is { Length: > 0 } given
            ? int.Parse(given, CultureInfo.InvariantCulture)
            : ChaosSoak.Order.Length;
        var csvPath = Environment.GetEnvironmentVariable(CsvVariable) is { Length: > 0 } csvName
            ? Path.ChangeExtension(csvName, null) + $"-{control.ToString().ToLowerInvariant()}.csv"
            : null;
        using var csv = csvPath is null ? null : new StreamWriter(csvPath) { AutoFlush = true };
        csv?.WriteLine(ChaosSample.CsvHeader);

        await using var soak = await ChaosSoak.StartAsync(await AotBinary.Server.GetAsync(), control);
        var samples = await soak.RunAsync(swaps, sample => csv?.WriteLine(sample.ToCsv()));
        await soak.Load.StopAsync();

        foreach (var observation in soak.Observations)
        {
            output.WriteLine(observation);
        }

        Assert.True(soak.Load.Failures.IsEmpty, $"{soak.Load.Failures.Count} failed requests, first: {string.Join(" / ", soak.Load.Failures.Take(5))}");
        Assert.Equal(swaps + 1, soak.Load.Seen.Count);
        Assert.Equal(Enumerable.Range(0, swaps).Count(i => ChaosSoak.Order[i % ChaosSoak.Order.Length] != ChaosFault.None), soak.Observations.Count);

        // From the end of the first round of faults (pools, caches and connections have grown to what the load needs).
        var baseline = samples[Math.Min(ChaosSoak.Order.Length, samples.Count - 1)];
        var last = samples[^1];
        var curve = string.Join(", ", samples.Select(s => $"{s.Swap}:{s.RssBytes >> 20}MiB/{s.Descriptors}fd/{s.Threads}t+{s.PoolThreads}pool"));
        Assert.True(last.Descriptors - baseline.Descriptors < DescriptorGrowthBound, $"descriptors {baseline.Descriptors} -> {last.Descriptors}; {curve}");
        Assert.True(last.Threads - baseline.Threads < ThreadGrowthBound, $"threads {baseline.Threads} -> {last.Threads}; {curve}");
        Assert.True(last.RssBytes - baseline.RssBytes < RssGrowthBound, $"RSS {baseline.RssBytes >> 20} -> {last.RssBytes >> 20} MiB; {curve}");
    }
}
