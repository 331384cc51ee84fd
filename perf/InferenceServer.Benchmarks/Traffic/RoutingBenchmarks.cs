using System.Globalization;
using BenchmarkDotNet.Attributes;
using InferenceServer.Benchmarks.Infrastructure;
using InferenceServer.Core.Traffic;
using InferenceServer.ModelBuilder.Repository;
using InferenceServer.ModelBuilder.Samples;

namespace InferenceServer.Benchmarks.Traffic;

/// <summary>
/// The routing decision of a request that names no version, under a canary policy of 90/10 between versions 1
/// and 2 of <c>simple</c>. <see cref="RouteWeighted"/> and <see cref="RouteSticky"/> are
/// <see cref="WeightedRendezvousRouter"/> alone (a uniform draw; a routing key hashed, then one score per
/// version); the <c>Acquire*</c> benchmarks are what the front ends call per request —
/// <c>ModelCatalog.TryAcquire</c> (table lookup by span, the policy's route, the version held) and the release —
/// so the cost of the policy shows next to a request that names its version.
/// </summary>
[MemoryDiagnoser]
public class RoutingBenchmarks
{
    private const int Samples = 1024;
    private const string Model = SampleModelNames.Simple;

    private readonly double[] _uniforms = new double[Samples];
    private readonly string[] _keys = new string[Samples];
    private WeightedRendezvousRouter _router = null!;
    private BenchmarkServer _server = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        for (var i = 0; i < Samples; i++)
        {
            _uniforms[i] = random.NextDouble();
            _keys[i] = "user-" + random.Next(1_000_000).ToString("D7", CultureInfo.InvariantCulture);
        }

        VersionWeight[] weights = [new(1, 90), new(2, 10)];
        _router = new WeightedRendezvousRouter(weights);

        var simple = SampleRepositoryWriter.CreateSamples().Single(m => m.Name == Model);
        var config = simple.Config + "\nversion_policy: { all: {} }\n";
        _server = new BenchmarkServer(versions: 2, new SampleModel(Model, config, simple.Onnx));
        var error = _server.Loaded.Traffic.SetPolicyAsync(Model, TrafficPolicy.Create(weights, [], null)).GetAwaiter().GetResult();
        if (error.IsError)
        {
            throw new InvalidOperationException(error.Message);
        }

        // Both versions must be reachable, or the benchmark would measure a policy that never routes.
        var seen = new HashSet<long>();
        for (var i = 0; i < Samples; i++)
        {
            seen.Add(Acquire(_keys[i]));
        }

        if (seen.Count != 2)
        {
            throw new InvalidOperationException($"sticky keys reached {seen.Count} version(s); expected 2");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _server.Dispose();

    /// <summary>A keyless request: the first version whose cumulative weight exceeds a uniform draw.</summary>
    [Benchmark]
    public long RouteWeighted() => _router.Route(_uniforms[Next()]);

    /// <summary>A request with a routing key: the key hashed (FNV-1a + SplitMix64), then weighted rendezvous over the versions.</summary>
    [Benchmark]
    public long RouteSticky() => _router.Route(WeightedRendezvousRouter.HashKey(_keys[Next()]));

    /// <summary>The front end's lookup for a keyless request under the policy: resolve, route by weight, hold, release.</summary>
    [Benchmark]
    public long AcquireWeighted() => Acquire("");

    /// <summary>As <see cref="AcquireWeighted"/> with an <c>x-routing-key</c>: the sticky route.</summary>
    [Benchmark]
    public long AcquireSticky() => Acquire(_keys[Next()]);

    /// <summary>A request that names version 1: the policy is bypassed (the baseline of the two above).</summary>
    [Benchmark]
    public long AcquireNamedVersion()
    {
        var error = _server.Models.TryAcquire(Model, "1", [], out var version, out _);
        return Release(error, version);
    }

    private long Acquire(ReadOnlySpan<char> key)
    {
        var error = _server.Models.TryAcquire(Model, "", key, out var version, out _);
        return Release(error, version);
    }

    private static long Release(Core.Inference.InferenceError error, Core.Models.ModelVersion? version)
    {
        if (error.IsError)
        {
            throw new InvalidOperationException(error.Message);
        }

        version!.Release();
        return version.Version;
    }

    private int Next() => _next = (_next + 1) & (Samples - 1);
}
