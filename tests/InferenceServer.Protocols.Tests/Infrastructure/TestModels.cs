using Inference;
using InferenceServer.Core.Models;
using DataType = Inference.DataType;

namespace InferenceServer.Protocols.Tests.Infrastructure;

/// <summary>Model versions built from in-memory configs, for parsing and mapping tests.</summary>
internal static class TestModels
{
    /// <summary>The 14 config types, in protocol-name order, each as an input named after its protocol string.</summary>
    public static readonly (string Name, DataType Type)[] AllTypes =
    [
        ("BOOL", DataType.TypeBool), ("UINT8", DataType.TypeUint8), ("UINT16", DataType.TypeUint16), ("UINT32", DataType.TypeUint32),
        ("UINT64", DataType.TypeUint64), ("INT8", DataType.TypeInt8), ("INT16", DataType.TypeInt16), ("INT32", DataType.TypeInt32),
        ("INT64", DataType.TypeInt64), ("FP16", DataType.TypeFp16), ("FP32", DataType.TypeFp32), ("FP64", DataType.TypeFp64),
        ("BYTES", DataType.TypeString), ("BF16", DataType.TypeBf16),
    ];

    public static ModelVersion Create(string name, int maxBatchSize, (string Name, DataType Type, long[] Dims)[] inputs, (string Name, DataType Type, long[] Dims)[] outputs)
    {
        var config = new ModelConfig { Name = name, Backend = "test", MaxBatchSize = maxBatchSize };
        foreach (var (inputName, type, dims) in inputs)
        {
            var input = new ModelInput { Name = inputName, DataType = type };
            input.Dims.AddRange(dims);
            config.Input.Add(input);
        }

        foreach (var (outputName, type, dims) in outputs)
        {
            var output = new ModelOutput { Name = outputName, DataType = type };
            output.Dims.AddRange(dims);
            config.Output.Add(output);
        }

        return new ModelVersion(name, 1, config, ModelSignatureFactory.FromConfig(config), new TestModelRuntime(config), TimeProvider.System);
    }

    /// <summary>Triton's simple: INT32 INPUT0/INPUT1 [-1,16] → OUTPUT0/OUTPUT1, max_batch_size 8.</summary>
    public static ModelVersion Simple() => Create("simple", 8,
        [("INPUT0", DataType.TypeInt32, [16]), ("INPUT1", DataType.TypeInt32, [16])],
        [("OUTPUT0", DataType.TypeInt32, [16]), ("OUTPUT1", DataType.TypeInt32, [16])]);

    /// <summary>One input per datatype, each dims [3], no batching; one FP32 output.</summary>
    public static ModelVersion Typed() => Create("typed", 0,
        AllTypes.Select(t => (t.Name, t.Type, new long[] { 3 })).ToArray(),
        [("OUTPUT0", DataType.TypeFp32, [3])]);

    public static ModelVersion SingleInput(string name, int maxBatchSize, DataType type, params long[] dims) => Create(name, maxBatchSize,
        [("INPUT0", type, dims)],
        [("OUTPUT0", type, dims)]);
}
