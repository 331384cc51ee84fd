using Inference;
using InferenceServer.Core.Models;
using InferenceServer.Core.Models.Config;
using InferenceServer.Core.Models.Repository;
using InferenceServer.Core.Models.WarmUp;
using InferenceServer.Core.Tests.Infrastructure;

namespace InferenceServer.Core.Tests.Models.WarmUp;

/// <summary>
/// <c>model_warmup</c> as Triton defines it: batch_size rows, zero / random / file data, count runs; samples the
/// server cannot build, and samples the model rejects, fail the load with the sample named.
/// </summary>
public sealed class WarmUpSamplesTests : IDisposable
{
    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    private static ModelConfig SimpleWith(string warmup)
    {
        var config = TestConfigs.Simple(dims: 4);
        config.MergeFrom(ProtoTextParser.ParseModelConfig(warmup, "warmup.pbtxt"));
        return config;
    }

    private IReadOnlyList<WarmUpSample> Samples(ModelConfig config) =>
        WarmUpSamples.FromConfig(config, ModelSignatureFactory.FromConfig(config), _root.Path);

    private static string Input(string name, string data) =>
        $"inputs {{ key: \"{name}\" value {{ data_type: TYPE_INT32 dims: [ 4 ] {data} }} }}";

    [Fact]
    public void FromConfig_ZeroRandomAndFileData_BatchDimensionPrepended()
    {
        var file = new byte[2 * 4 * sizeof(int)];
        file[0] = 7;
        _root.WriteFile("warmup/input1.bin", "");
        File.WriteAllBytes(Path.Combine(_root.Path, "warmup", "input1.bin"), file);
        var config = SimpleWith($"model_warmup [ {{ name: \"w\" batch_size: 2 count: 3 {Input("INPUT0", "random_data: true")} {Input("INPUT1", "input_data_file: \"input1.bin\"")} }} ]");

        var sample = Assert.Single(Samples(config));

        Assert.Equal("w", sample.Name);
        Assert.Equal(3, sample.Count);
        Assert.Equal(["INPUT0", "INPUT1"], sample.Inputs.Select(i => i.Name));
        Assert.All(sample.Inputs, i => Assert.Equal([2L, 4L], i.Shape.ToArray()));
        Assert.Equal(32, sample.Inputs[0].Data.Length);
        Assert.Equal(file, sample.Inputs[1].Data);
    }

    [Fact]
    public void WarmUp_ConfiguredSample_RunsCountTimesOnEveryInstance()
    {
        var runs = new List<(string Instance, long Rows)>();
        var config = SimpleWith($"model_warmup [ {{ name: \"w\" batch_size: 2 count: 2 {Input("INPUT0", "zero_data: true")} {Input("INPUT1", "zero_data: true")} }} ]");
        using var model = TestConfigs.Version(config,
            new TestModelInstance("a", r => runs.Add(("a", r.BatchSize))),
            new TestModelInstance("b", r => runs.Add(("b", r.BatchSize))));

        var error = model.WarmUp(Samples(config));

        Assert.False(error.IsError, error.Message);
        Assert.Equal([("a", 2L), ("a", 2L), ("b", 2L), ("b", 2L)], runs);
    }

    [Theory]
    [InlineData("batch_size: 0", "batch_size 0")]
    [InlineData("batch_size: 9", "batch_size 9")]
    [InlineData("batch_size: 1 inputs { key: \"INPUT0\" value { data_type: TYPE_INT32 dims: [ 4 ] } }", "set one of zero_data")]
    [InlineData("batch_size: 1 inputs { key: \"INPUT0\" value { data_type: TYPE_INT32 dims: [ -1 ] zero_data: true } }", "dims must be fixed")]
    [InlineData("batch_size: 1 inputs { key: \"INPUT0\" value { data_type: TYPE_INT32 dims: [ 4 ] input_data_file: \"missing.bin\" } }", "cannot read warmup/missing.bin")]
    [InlineData("batch_size: 1 inputs { key: \"INPUT0\" value { data_type: TYPE_INT32 dims: [ 4 ] input_data_file: \"../config.pbtxt\" } }", "outside the model's warmup/ folder")]
    public void FromConfig_SampleTheServerCannotBuild_ThrowsNamingSampleAndProblem(string body, string expected)
    {
        var config = SimpleWith($"model_warmup [ {{ name: \"bad\" {body} }} ]");

        var error = Assert.Throws<ModelLoadException>(() => Samples(config));

        Assert.Contains("'bad'", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromConfig_FileOfWrongSize_ThrowsWithBothSizes()
    {
        _root.WriteFile("warmup/short.bin", "abc");
        var config = SimpleWith($"model_warmup [ {{ name: \"w\" batch_size: 1 {Input("INPUT0", "input_data_file: \"short.bin\"")} }} ]");

        var error = Assert.Throws<ModelLoadException>(() => Samples(config));

        Assert.Contains("3 bytes", error.Message, StringComparison.Ordinal);
        Assert.Contains("needs 16", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ConfiguredWarmUpTheModelRejects_FailsTheVersionWithTheSampleNamed()
    {
        // The sample's shape does not match the model's input: validation rejects it, so the version does not load.
        _root.WriteFile("m/config.pbtxt", TestConfigs.BackendConfig("m",
            "model_warmup [ { name: \"wrong_shape\" inputs { key: \"INPUT0\" value { data_type: TYPE_FP32 dims: [ 3 ] zero_data: true } } } ]"));
        _root.CreateDirectory("m", "1");
        var loader = new ModelRepositoryLoader(new ModelRepository(_root.Path), [new TestModelBackend()], TimeProvider.System);

        var entry = loader.Load("m");

        var version = Assert.Single(entry.Versions);
        Assert.Equal(ModelState.Unavailable, version.State);
        Assert.Contains("warm-up sample 'wrong_shape'", version.Reason, StringComparison.Ordinal);
    }
}
