using InferenceServer.Core.Inference;
using InferenceServer.Core.Models.WarmUp;
using InferenceServer.Core.Tests.Infrastructure;

namespace InferenceServer.Core.Tests.Models;

/// <summary>
/// Invariants of the synthetic warm-up run before a version is published: every instance executes one
/// valid single-row request (so the request passes the model's own validation), nothing is counted in
/// the statistics, and a failure names the model, version and instance.
/// </summary>
public class ModelVersionWarmUpTests
{
    [Fact]
    public void WarmUp_RunsOneValidRequestPerInstance_WithoutCountingIt()
    {
        var seen = new List<(string Instance, long Rows, int Inputs, int Bytes)>();
        var instances = new[]
        {
            new TestModelInstance("simple_0", r => seen.Add(("simple_0", r.BatchSize, r.Inputs.Length, r.Inputs[0].Data.Length))),
            new TestModelInstance("simple_1", r => seen.Add(("simple_1", r.BatchSize, r.Inputs.Length, r.Inputs[0].Data.Length))),
        };
        using var model = TestConfigs.Version(TestConfigs.Simple(), instances);

        var error = model.WarmUp(WarmUpSamples.Synthetic(model.Signature));

        Assert.False(error.IsError, error.Message);
        Assert.Equal([("simple_0", 1L, 2, 64), ("simple_1", 1L, 2, 64)], seen);
        Assert.Equal(0, model.Statistics.Success.Count);
        Assert.Equal(0, model.Statistics.ExecutionCount);
    }

    [Fact]
    public void WarmUp_InstanceRejects_ReturnsErrorNamingModelVersionAndInstance()
    {
        using var model = TestConfigs.Version(TestConfigs.Simple(),
            new TestModelInstance("simple_0", r => r.SetError(InferenceError.InvalidArgument("cannot take zeros"))));

        var error = model.WarmUp(WarmUpSamples.Synthetic(model.Signature));

        Assert.True(error.IsError);
        Assert.Contains("'simple' version", error.Message, StringComparison.Ordinal);
        Assert.Contains("simple_0", error.Message, StringComparison.Ordinal);
        Assert.Contains("cannot take zeros", error.Message, StringComparison.Ordinal);
    }
}
