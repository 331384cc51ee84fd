using InferenceServer.Core.Ensembles;
using InferenceServer.Core.Models;
using InferenceServer.Core.Models.Config;
using InferenceServer.Core.Tests.Infrastructure;

namespace InferenceServer.Core.Tests.Ensembles;

/// <summary>
/// The ensemble planner alone: the graph it builds from a config (fan-out, join, which steps start at once) and every
/// load error it raises, each naming the step and tensor: cycles, unknown tensors, two writers, unmapped outputs, and,
/// against the composing models, unknown models, names, datatypes, shapes and max_batch_size.
/// </summary>
public sealed class EnsemblePlannerTests : IDisposable
{
    // x → A → a; a → B → b and a → C → c (both at once); (b, c) → D → y.
    private const string Diamond = """
        step [
          { model_name: "inc" model_version: -1 input_map { key: "IN" value: "x" } output_map { key: "OUT" value: "a" } },
          { model_name: "inc" model_version: -1 input_map { key: "IN" value: "a" } output_map { key: "OUT" value: "b" } },
          { model_name: "inc" model_version: -1 input_map { key: "IN" value: "a" } output_map { key: "OUT" value: "c" } },
          { model_name: "join" model_version: -1 input_map [ { key: "L" value: "b" }, { key: "R" value: "c" } ] output_map { key: "SUM" value: "y" } }
        ]
        """;

    private readonly List<ModelVersion> _versions = [];

    private static global::Inference.ModelConfig Ensemble(string steps, int maxBatchSize = 8, string output = "y", string outputType = "TYPE_FP32", string outputDims = "4") =>
        ProtoTextParser.ParseModelConfig($$"""
            name: "ens"
            platform: "ensemble"
            max_batch_size: {{maxBatchSize}}
            input [ { name: "x" data_type: TYPE_FP32 dims: [ 4 ] } ]
            output [ { name: "{{output}}" data_type: {{outputType}} dims: [ {{outputDims}} ] } ]
            ensemble_scheduling { {{steps}} }
            """, "config.pbtxt");

    private static EnsemblePlan Plan(global::Inference.ModelConfig config) => EnsemblePlanner.Plan(config, ModelSignatureFactory.FromConfig(config));

    private ModelVersion Composing(string name, string body)
    {
        var config = ProtoTextParser.ParseModelConfig($"name: \"{name}\"\nbackend: \"test\"\n{body}", "config.pbtxt");
        var version = new ModelVersion(name, 1, config, ModelSignatureFactory.FromConfig(config), new TestModelRuntime(config), TimeProvider.System);
        _versions.Add(version);
        return version;
    }

    private Func<EnsembleStep, (ModelVersion?, string)> Models(int incBatch = 8, string incOut = "TYPE_FP32", string incOutDims = "4", string joinInput = "L")
    {
        var inc = Composing("inc", $$"""
            max_batch_size: {{incBatch}}
            input [ { name: "IN" data_type: TYPE_FP32 dims: [ 4 ] } ]
            output [ { name: "OUT" data_type: {{incOut}} dims: [ {{incOutDims}} ] } ]
            """);
        var join = Composing("join", $$"""
            max_batch_size: 8
            input [ { name: "{{joinInput}}" data_type: TYPE_FP32 dims: [ 4 ] }, { name: "R" data_type: TYPE_FP32 dims: [ -1 ] } ]
            output [ { name: "SUM" data_type: TYPE_FP32 dims: [ 4 ] } ]
            """);
        return step => step.ModelName switch
        {
            "inc" => (inc, ""),
            "join" => (join, ""),
            _ => (null, $"model '{step.ModelName}' is not loaded"),
        };
    }

    private void CheckComposing(global::Inference.ModelConfig config, Func<EnsembleStep, (ModelVersion?, string)> models) =>
        EnsemblePlanner.CheckComposing(Plan(config), ModelSignatureFactory.FromConfig(config), models);

    [Fact]
    public void Plan_FanOutAndJoin_FirstStepStartsAloneAndTheJoinWaitsForBothBranches()
    {
        var plan = Plan(Ensemble(Diamond));

        Assert.Equal([0], plan.StartSteps);
        Assert.Equal([1, 2], plan.Steps[0].Consumers);
        Assert.Equal([3], plan.Steps[1].Consumers);
        Assert.Equal([3], plan.Steps[2].Consumers);
        Assert.Equal(1, plan.Steps[1].WaitsFor);
        Assert.Equal(2, plan.Steps[3].WaitsFor);
        Assert.Equal(["inc", "join"], plan.ComposingModels);
        Assert.Equal("y", plan.TensorNames[plan.OutputTensors[0]]);

        CheckComposing(Ensemble(Diamond), Models());
    }

    [Fact]
    public void Plan_IndependentSteps_AllStartAtOnce()
    {
        var plan = Plan(Ensemble("""
            step [
              { model_name: "inc" input_map { key: "IN" value: "x" } output_map { key: "OUT" value: "b" } },
              { model_name: "inc" input_map { key: "IN" value: "x" } output_map { key: "OUT" value: "c" } },
              { model_name: "join" input_map [ { key: "L" value: "b" }, { key: "R" value: "c" } ] output_map { key: "SUM" value: "y" } }
            ]
            """));

        Assert.Equal([0, 1], plan.StartSteps);
    }

    [Theory]
    [InlineData("""
        step [
          { model_name: "inc" input_map { key: "IN" value: "c" } output_map { key: "OUT" value: "b" } },
          { model_name: "inc" input_map { key: "IN" value: "b" } output_map { key: "OUT" value: "c" } },
          { model_name: "inc" input_map { key: "IN" value: "x" } output_map { key: "OUT" value: "y" } }
        ]
        """, "the steps form a cycle: step 0 (model 'inc') reads 'c' written by step 1; step 1 (model 'inc') reads 'b' written by step 0")]
    [InlineData("""step [ { model_name: "inc" input_map { key: "IN" value: "nowhere" } output_map { key: "OUT" value: "y" } } ]""",
        "step 0 (model 'inc') reads tensor 'nowhere' (for its input 'IN'), which is neither an ensemble input nor in any step's output_map")]
    [InlineData("""step [ { model_name: "inc" input_map { key: "IN" value: "x" } output_map { key: "OUT" value: "z" } } ]""",
        "ensemble output 'y' is not in any step's output_map (unmapped)")]
    [InlineData("""
        step [
          { model_name: "inc" input_map { key: "IN" value: "x" } output_map { key: "OUT" value: "y" } },
          { model_name: "inc" input_map { key: "IN" value: "x" } output_map { key: "OUT" value: "y" } }
        ]
        """, "tensor 'y' is written by both step 0 (model 'inc') and step 1 (model 'inc')")]
    [InlineData("""step [ { model_name: "inc" input_map { key: "IN" value: "x" } output_map { key: "OUT" value: "x" } } ]""",
        "step 0 (model 'inc') writes 'x', which is an ensemble input")]
    [InlineData("""step [ { model_name: "inc" input_map { key: "IN" value: "x" } } ]""",
        "step 0 (model 'inc') has an empty output_map: it would write nothing")]
    [InlineData("", "platform \"ensemble\" needs ensemble_scheduling with at least one step")]
    public void Plan_BrokenGraph_FailsNamingStepAndTensor(string steps, string expected)
    {
        var error = Assert.Throws<ModelLoadException>(() => Plan(Ensemble(steps)));

        Assert.Equal($"ensemble 'ens': {expected}", error.Message);
    }

    [Fact]
    public void Plan_EnsembleSchedulingWithoutTheEnsemblePlatform_FailsNamingThePlatform()
    {
        var config = Ensemble(Diamond);
        config.Platform = "onnxruntime_onnx";

        var error = Assert.Throws<ModelLoadException>(() => Plan(config));

        Assert.Contains("ensemble_scheduling needs platform: \"ensemble\" (got platform \"onnxruntime_onnx\")", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckComposing_UnknownModel_FailsNamingTheStep()
    {
        var config = Ensemble(Diamond.Replace("\"join\"", "\"missing\"", StringComparison.Ordinal));

        var error = Assert.Throws<ModelLoadException>(() => CheckComposing(config, Models()));

        Assert.Equal("ensemble 'ens': step 3 (model 'missing'): the composing model is not ready: model 'missing' is not loaded", error.Message);
    }

    [Fact]
    public void CheckComposing_DatatypeMismatch_FailsNamingTensorAndBothEnds()
    {
        var error = Assert.Throws<ModelLoadException>(() => CheckComposing(Ensemble(Diamond), Models(incOut: "TYPE_INT32")));

        Assert.Equal("ensemble 'ens': tensor 'a' is INT32 (output 'OUT' of step 0 (model 'inc')) but input 'IN' of step 1 (model 'inc') is FP32 (datatype mismatch)", error.Message);
    }

    [Fact]
    public void CheckComposing_ShapeMismatch_FailsNamingTensorAndShapes()
    {
        var error = Assert.Throws<ModelLoadException>(() => CheckComposing(Ensemble(Diamond), Models(incOutDims: "5")));

        Assert.Equal("ensemble 'ens': tensor 'a' has shape [-1,5] (output 'OUT' of step 0 (model 'inc')) but input 'IN' of step 1 (model 'inc') has shape [-1,4] (shape mismatch)", error.Message);
    }

    [Fact]
    public void CheckComposing_EnsembleOutputDeclaredOtherwise_FailsNamingTheOutput()
    {
        var error = Assert.Throws<ModelLoadException>(() => CheckComposing(Ensemble(Diamond, outputType: "TYPE_INT64"), Models()));

        Assert.Equal("ensemble 'ens': tensor 'y' is FP32 (output 'SUM' of step 3 (model 'join')) but ensemble output 'y' is INT64 (datatype mismatch)", error.Message);
    }

    [Fact]
    public void CheckComposing_MaxBatchSizeAboveAComposingModels_FailsNamingTheStep()
    {
        var error = Assert.Throws<ModelLoadException>(() => CheckComposing(Ensemble(Diamond), Models(incBatch: 4)));

        Assert.Equal("ensemble 'ens': max_batch_size 8 is more than step 0 (model 'inc') allows (max_batch_size 4); an ensemble's max_batch_size must be at most each composing model's", error.Message);
    }

    [Fact]
    public void CheckComposing_NonBatchingEnsembleOverBatchingModels_Accepted()
    {
        // The ensemble's own [1,4] is one batch row of the composing models' [-1,4].
        var config = ProtoTextParser.ParseModelConfig($$"""
            name: "ens"
            platform: "ensemble"
            input [ { name: "x" data_type: TYPE_FP32 dims: [ 1, 4 ] } ]
            output [ { name: "y" data_type: TYPE_FP32 dims: [ 1, 4 ] } ]
            ensemble_scheduling { {{Diamond}} }
            """, "config.pbtxt");

        CheckComposing(config, Models());
    }

    [Fact]
    public void CheckComposing_InputTheModelDoesNotHave_FailsNamingItAndTheModelsInputs()
    {
        var error = Assert.Throws<ModelLoadException>(() => CheckComposing(Ensemble(Diamond), Models(joinInput: "LEFT")));

        Assert.StartsWith("ensemble 'ens': step 3 (model 'join') maps input 'L', which the model does not have (inputs: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckComposing_RequiredInputLeftUnmapped_FailsNamingIt()
    {
        var config = Ensemble(Diamond.Replace("""input_map [ { key: "L" value: "b" }, { key: "R" value: "c" } ]""", """input_map [ { key: "L" value: "b" } ]""", StringComparison.Ordinal));

        var error = Assert.Throws<ModelLoadException>(() => CheckComposing(config, Models()));

        Assert.Equal("ensemble 'ens': step 3 (model 'join') leaves the model's input 'R' unmapped (input_map has no entry for it)", error.Message);
    }

    public void Dispose()
    {
        foreach (var version in _versions)
        {
            version.Dispose();
        }
    }
}
