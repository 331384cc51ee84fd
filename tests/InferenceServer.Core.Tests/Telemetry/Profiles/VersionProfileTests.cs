using InferenceServer.Core.Inference;
using InferenceServer.Core.Models;
using InferenceServer.Core.Telemetry.Drift;
using InferenceServer.Core.Telemetry.Profiles;
using InferenceServer.Core.Tensors;
using InferenceServer.Core.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace InferenceServer.Core.Tests.Telemetry.Profiles;

/// <summary>
/// Profiles of a <c>[batch, 4]</c> FP32 input on a fake clock. Invariants: one feature per column; the reference
/// freezes after exactly the configured number of requests and never changes after; a shifted column drifts in
/// the window while the others do not; the window forgets traffic older than its length, the lifetime does not.
/// </summary>
public sealed class VersionProfileTests
{
    private static readonly ModelSignature Signature = ModelSignatureFactory.FromConfig(
        TestConfigs.Simple(type: global::Inference.DataType.TypeFp32, dims: 4));

    private static InferenceRequest Request(Random random, double shiftColumn0, int rows = 16)
    {
        var request = new InferenceRequest();
        foreach (var spec in Signature.Inputs)
        {
            var values = new float[rows * 4];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = (float)(Gaussian(random) + (i % 4 == 0 && spec.Name == "INPUT0" ? shiftColumn0 : 0));
            }

            InferenceRequest.SetInputData(request.AddInput(spec.Name, DataType.Fp32, TensorShape.Create([rows, 4]), spec),
                System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray());
        }

        return request;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    [Fact]
    public void ShiftedColumn_DriftsInTheWindow_OthersDoNot_ReferenceFrozenOnce()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var profile = new VersionProfile(Signature, new ProfileOptions { ReferenceRequests = 200, Window = TimeSpan.FromMinutes(4) }, time);
        var random = new Random(3);
        for (var i = 0; i < 199; i++)
        {
            profile.Observe(Request(random, 0));
        }

        Assert.Null(profile.Reference);
        profile.Observe(Request(random, 0));
        var reference = profile.Reference;
        Assert.NotNull(reference);
        Assert.Equal(4, profile.Layouts[0].FeatureCount);

        time.Advance(TimeSpan.FromMinutes(10));
        for (var i = 0; i < 300; i++)
        {
            profile.Observe(Request(random, shiftColumn0: 1.5));
        }

        var report = DriftReport.Build(profile);
        Assert.Same(reference, profile.Reference);
        var input0 = report.Tensors.Single(t => t.Name == "INPUT0");
        Assert.Equal(DriftLevel.Drift, input0.Features[0].WindowLevel);
        Assert.All(input0.Features.Skip(1), f => Assert.Equal(DriftLevel.None, f.WindowLevel));
        Assert.All(report.Tensors.Single(t => t.Name == "INPUT1").Features, f => Assert.Equal(DriftLevel.None, f.WindowLevel));
        Assert.Equal(300 * 16, input0.Features[0].WindowCount);
        Assert.Equal(500 * 16, input0.Features[0].Moments.Count);
        Assert.Equal(1.0 / 8, report.Window.DriftShare, 6);
    }

    [Fact]
    public async Task ManyThreads_EveryValueCounted_ReferenceFrozenExactlyOnce()
    {
        var profile = new VersionProfile(Signature, new ProfileOptions { ReferenceRequests = 100, MaxValuesPerSecond = 0 }, TimeProvider.System);
        var references = new System.Collections.Concurrent.ConcurrentBag<ReferenceProfile>();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            var random = new Random(t);
            for (var i = 0; i < 250; i++)
            {
                profile.Observe(Request(random, 0, rows: 2));
                if (profile.Reference is { } reference)
                {
                    references.Add(reference);
                }
            }
        })));

        var (lifetime, _) = profile.Read();
        Assert.All(lifetime[0], f => Assert.Equal(8 * 250 * 2, f.Moments.Count));
        Assert.Single(references.Distinct());
        Assert.Equal(2000, profile.Requests);
    }

    [Fact]
    public void OverTheBudget_OneRequestInNIsProfiled_EveryValueOfIt()
    {
        // 16 rows x 8 input values = 128 values a request; 1,280 a second fit a budget of 1,280 exactly.
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var profile = new VersionProfile(Signature, new ProfileOptions { ReferenceRequests = 1_000_000, MaxValuesPerSecond = 1_280 }, time);
        var random = new Random(5);
        for (var i = 0; i < 40; i++)
        {
            profile.Observe(Request(random, 0));
        }

        time.Advance(TimeSpan.FromSeconds(1));
        for (var i = 0; i < 40; i++)
        {
            profile.Observe(Request(random, 0));
        }

        // Second 0: all 40 (no rate known yet); second 1: 5,120 values arrived before, so one in 4.
        Assert.Equal(4, profile.SampleStride);
        Assert.Equal(40 + 10, profile.Requests);
        var (lifetime, _) = profile.Read();
        Assert.All(lifetime[0], f => Assert.Equal(50 * 16, f.Moments.Count));
    }
}
