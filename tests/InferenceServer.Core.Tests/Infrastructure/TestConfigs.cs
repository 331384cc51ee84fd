using Inference;
using InferenceServer.Core.Models;

namespace InferenceServer.Core.Tests.Infrastructure;

/// <summary>Model configurations and versions built in memory.</summary>
internal static class TestConfigs
{
    public static ModelInput Input(string name, DataType type, params long[] dims)
    {
        var input = new ModelInput { Name = name, DataType = type };
        input.Dims.AddRange(dims);
        return input;
    }

    public static ModelOutput Output(string name, DataType type, params long[] dims)
    {
        var output = new ModelOutput { Name = name, DataType = type };
        output.Dims.AddRange(dims);
        return output;
    }

    /// <summary>INPUT0/INPUT1 → OUTPUT0/OUTPUT1 of <paramref name="type"/> with dims <paramref name="dims"/> (Triton's <c>simple</c> shape).</summary>
    public static ModelConfig Simple(string name = "simple", int maxBatchSize = 8, DataType type = DataType.TypeInt32, params long[] dims)
    {
        dims = dims.Length == 0 ? [16] : dims;
        var config = new ModelConfig { Name = name, Backend = "test", MaxBatchSize = maxBatchSize };
        config.Input.Add(Input("INPUT0", type, dims));
        config.Input.Add(Input("INPUT1", type, dims));
        config.Output.Add(Output("OUTPUT0", type, dims));
        config.Output.Add(Output("OUTPUT1", type, dims));
        return config;
    }

    /// <summary>A ready version over <paramref name="config"/>; with no instances nothing executes (validation-only tests).</summary>
    public static ModelVersion Version(ModelConfig config, params IModelInstance[] instances) =>
        new(config.Name, 1, config, ModelSignatureFactory.FromConfig(config), new TestModelRuntime(config, instances), TimeProvider.System);

    /// <summary>config.pbtxt text for <see cref="TestModelBackend"/>: one FP32 [4] input and output, plus <paramref name="extra"/>.</summary>
    public static string BackendConfig(string name, string extra) => $$"""
        name: "{{name}}"
        backend: "{{TestModelBackend.BackendName}}"
        input [ { name: "INPUT0", data_type: TYPE_FP32, dims: [ 4 ] } ]
        output [ { name: "OUTPUT0", data_type: TYPE_FP32, dims: [ 4 ] } ]
        {{extra}}
        """;
}
