using InferenceServer.ModelBuilder.Onnx;
using DataType = InferenceServer.ModelBuilder.Onnx.TensorProto.Types.DataType;

namespace InferenceServer.ModelBuilder.Samples;

/// <summary>
/// Factories for the sample and test models, each returning the bytes of an ONNX file
/// (IR 8, opset 17) that ONNX Runtime's CPU provider loads and runs. Every call builds the
/// model afresh and returns the same bytes.
/// </summary>
/// <remarks>
/// <see cref="DataType"/> values equal ONNX Runtime's <c>TensorElementType</c> values, so a
/// caller holding one can cast: <c>(TensorProto.Types.DataType)(int)TensorElementType.Float</c>.
/// </remarks>
internal static class SampleModels
{
    /// <summary>Elements per row of the simple models, as in Triton's quick-start examples.</summary>
    public const int SimpleWidth = 16;

    public const int FraudFeatureCount = 30;
    public const int FraudClassCount = 2;

    // Fixed seeds: changing one changes the checked-in sample repository.
    private const ulong FraudSeed = 0x5EED_F4A0_D000_0001UL;
    private const ulong MlpSeed = 0x5EED_0000_0000_A11CUL;

    private static ReadOnlySpan<int> FraudLayerWidths => [FraudFeatureCount, 64, 32, FraudClassCount];

    /// <summary>Triton's <c>simple</c>: INT32 [-1,16] inputs; OUTPUT0 = INPUT0 + INPUT1, OUTPUT1 = INPUT0 - INPUT1.</summary>
    public static byte[] Simple() => AddSubModel(SampleModelNames.Simple, DataType.Int32, [-1, SimpleWidth]);

    /// <summary>
    /// Triton's <c>simple_string</c>: like <see cref="Simple"/>, but every tensor is STRING
    /// [-1,16] holding decimal integers. Parsed with Cast to INT32 and formatted back with Cast
    /// to STRING, which ONNX Runtime writes as plain integers ("3", not "3.0").
    /// </summary>
    public static byte[] SimpleString()
    {
        var builder = new OnnxModelBuilder(SampleModelNames.SimpleString)
            .AddInput(SampleModelNames.Input0, DataType.String, -1, SimpleWidth)
            .AddInput(SampleModelNames.Input1, DataType.String, -1, SimpleWidth)
            .AddNode("Cast", [SampleModelNames.Input0], ["input0_int"], OnnxAttributes.CastTo(DataType.Int32))
            .AddNode("Cast", [SampleModelNames.Input1], ["input1_int"], OnnxAttributes.CastTo(DataType.Int32))
            .AddNode("Add", ["input0_int", "input1_int"], ["sum_int"])
            .AddNode("Sub", ["input0_int", "input1_int"], ["difference_int"])
            .AddNode("Cast", ["sum_int"], [SampleModelNames.Output0], OnnxAttributes.CastTo(DataType.String))
            .AddNode("Cast", ["difference_int"], [SampleModelNames.Output1], OnnxAttributes.CastTo(DataType.String))
            .AddOutput(SampleModelNames.Output0, DataType.String, -1, SimpleWidth)
            .AddOutput(SampleModelNames.Output1, DataType.String, -1, SimpleWidth);
        return builder.ToByteArray();
    }

    /// <summary>Triton's <c>simple_identity</c>: STRING [-1,-1] INPUT0 copied to OUTPUT0.</summary>
    public static byte[] SimpleIdentity() => IdentityModel(SampleModelNames.SimpleIdentity, DataType.String, [-1, -1]);

    /// <summary>
    /// A tabular fraud classifier: <c>features</c> FP32 [-1,30] through Gemm+ReLU layers of
    /// 64 and 32 units to <c>probabilities</c> FP32 [-1,2] (Softmax over [legit, fraud]).
    /// The weights are synthetic (He-uniform from a fixed seed); the model exists to exercise
    /// dynamic batching on a realistic shape, not to detect fraud.
    /// </summary>
    public static byte[] FraudDetector()
    {
        var builder = new OnnxModelBuilder(SampleModelNames.FraudDetector)
            .AddInput(SampleModelNames.FraudFeatures, DataType.Float, -1, FraudFeatureCount);
        var logits = AddDenseStack(builder, new DeterministicRandom(FraudSeed), SampleModelNames.FraudFeatures, FraudLayerWidths);
        builder
            .AddNode("Softmax", [logits], [SampleModelNames.FraudProbabilities], OnnxAttributes.Int("axis", -1))
            .AddOutput(SampleModelNames.FraudProbabilities, DataType.Float, -1, FraudClassCount);
        return builder.ToByteArray();
    }

    /// <summary>
    /// A compute-bound MLP for benchmarks: INPUT0 FP32 [-1,<paramref name="inputs"/>] through
    /// <paramref name="layers"/> Gemm+ReLU layers of <paramref name="hidden"/> units to OUTPUT0
    /// FP32 [-1,<paramref name="outputs"/>] logits. Weights are seeded and deterministic.
    /// </summary>
    public static byte[] Mlp(int inputs, int hidden, int outputs, int layers) => Mlp(inputs, hidden, outputs, layers, DataType.Float);

    /// <summary>
    /// <see cref="Mlp(int, int, int, int)"/> in <paramref name="elementType"/>, FLOAT or FLOAT16: the same seeded weights
    /// (rounded to FP16 for FLOAT16), so an FP16 model on a GPU can be checked against the FP32 one on the CPU.
    /// </summary>
    public static byte[] Mlp(int inputs, int hidden, int outputs, int layers, DataType elementType)
    {
        if (elementType is not (DataType.Float or DataType.Float16))
        {
            throw new ArgumentOutOfRangeException(nameof(elementType), elementType, "The MLP is built in FLOAT or FLOAT16.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(inputs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(hidden, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(layers, 1);

        var widths = new int[layers + 2];
        widths[0] = inputs;
        widths.AsSpan(1, layers).Fill(hidden);
        widths[^1] = outputs;

        var builder = new OnnxModelBuilder($"mlp_{inputs}x{hidden}x{layers}x{outputs}")
            .AddInput(SampleModelNames.Input0, elementType, -1, inputs);
        var logits = AddDenseStack(builder, new DeterministicRandom(MlpSeed), SampleModelNames.Input0, widths, elementType);
        builder
            .AddNode("Identity", [logits], [SampleModelNames.Output0])
            .AddOutput(SampleModelNames.Output0, elementType, -1, outputs);
        return builder.ToByteArray();
    }

    /// <summary>
    /// INPUT0 copied to OUTPUT0 by an Identity node. The shape defaults to [-1,-1] (a batch
    /// dimension plus one variable dimension). ONNX Runtime 1.32's CPU provider runs it for all
    /// fourteen types Triton names: BOOL, UINT8/16/32/64, INT8/16/32/64, FLOAT16, BFLOAT16,
    /// FLOAT, DOUBLE and STRING.
    /// </summary>
    public static byte[] Identity(DataType elementType, params ReadOnlySpan<long> shape)
        => IdentityModel($"identity_{TypeSuffix(elementType)}", elementType, shape.IsEmpty ? [-1, -1] : shape);

    /// <summary>
    /// OUTPUT0 = INPUT0 + INPUT1 and OUTPUT1 = INPUT0 - INPUT1 for a numeric element type. The
    /// shape defaults to [-1,16]. ONNX Runtime 1.32's CPU provider runs it for every integer
    /// type, FLOAT16, FLOAT and DOUBLE; BFLOAT16 is valid ONNX but has no CPU kernel, so the
    /// session fails to load, which load-failure tests can use.
    /// </summary>
    public static byte[] AddSub(DataType elementType, params ReadOnlySpan<long> shape)
    {
        if (elementType is DataType.Bool or DataType.String)
        {
            throw new ArgumentOutOfRangeException(nameof(elementType), elementType, "ONNX defines Add and Sub for numeric types only.");
        }

        return AddSubModel($"add_sub_{TypeSuffix(elementType)}", elementType, shape.IsEmpty ? [-1, SimpleWidth] : shape);
    }

    /// <summary>
    /// A model without a symbolic batch dimension: INPUT0 FP32 [2,3], OUTPUT0 = INPUT0 + INPUT0.
    /// Auto-completing its configuration must give max_batch_size 0 and dims [2,3].
    /// </summary>
    public static byte[] FixedShape()
    {
        var builder = new OnnxModelBuilder(SampleModelNames.FixedShape)
            .AddInput(SampleModelNames.Input0, DataType.Float, 2, 3)
            .AddNode("Add", [SampleModelNames.Input0, SampleModelNames.Input0], [SampleModelNames.Output0])
            .AddOutput(SampleModelNames.Output0, DataType.Float, 2, 3);
        return builder.ToByteArray();
    }

    /// <summary>
    /// Bytes that are not an ONNX model, for load-failure tests. Begins with printable text so a
    /// person who opens the file sees why; the leading 't' (0x74) is an end-group tag for field
    /// 14, which no protobuf parser accepts at the top level.
    /// </summary>
    public static byte[] Corrupt() => [.. "this is deliberately not an ONNX model\n"u8, 0xFF, 0xFF, 0xFF, 0xFF];

    private static byte[] IdentityModel(string graphName, DataType elementType, ReadOnlySpan<long> shape)
    {
        var builder = new OnnxModelBuilder(graphName)
            .AddInput(SampleModelNames.Input0, elementType, shape)
            .AddNode("Identity", [SampleModelNames.Input0], [SampleModelNames.Output0])
            .AddOutput(SampleModelNames.Output0, elementType, shape);
        return builder.ToByteArray();
    }

    private static byte[] AddSubModel(string graphName, DataType elementType, ReadOnlySpan<long> shape)
    {
        var builder = new OnnxModelBuilder(graphName)
            .AddInput(SampleModelNames.Input0, elementType, shape)
            .AddInput(SampleModelNames.Input1, elementType, shape)
            .AddNode("Add", [SampleModelNames.Input0, SampleModelNames.Input1], [SampleModelNames.Output0])
            .AddNode("Sub", [SampleModelNames.Input0, SampleModelNames.Input1], [SampleModelNames.Output1])
            .AddOutput(SampleModelNames.Output0, elementType, shape)
            .AddOutput(SampleModelNames.Output1, elementType, shape);
        return builder.ToByteArray();
    }

    /// <summary>
    /// Adds fully connected layers widths[0] → widths[1] → … → widths[^1] as Gemm nodes, with
    /// ReLU after every layer but the last, and returns the name of the last layer's output.
    /// </summary>
    private static string AddDenseStack(OnnxModelBuilder builder, DeterministicRandom random, string input, ReadOnlySpan<int> widths, DataType elementType = DataType.Float)
    {
        var current = input;
        for (var layer = 0; layer < widths.Length - 1; layer++)
        {
            int fanIn = widths[layer], fanOut = widths[layer + 1];

            // He-uniform keeps activations in a sensible range through the ReLU layers.
            var limit = MathF.Sqrt(6.0f / fanIn);
            var weights = new float[fanIn * fanOut];
            for (var i = 0; i < weights.Length; i++)
            {
                weights[i] = random.NextSymmetric(limit);
            }

            var bias = new float[fanOut];
            for (var i = 0; i < bias.Length; i++)
            {
                bias[i] = random.NextSymmetric(0.1f);
            }

            var weightName = $"dense{layer}.weight";
            var biasName = $"dense{layer}.bias";
            var output = $"dense{layer}";
            var half = elementType == DataType.Float16;
            builder
                .AddInitializer(half ? OnnxTensors.CreateHalf(weightName, weights, [fanIn, fanOut]) : OnnxTensors.Create(weightName, weights, [fanIn, fanOut]))
                .AddInitializer(half ? OnnxTensors.CreateHalf(biasName, bias, [fanOut]) : OnnxTensors.Create(biasName, bias, [fanOut]))
                .AddNode("Gemm", [current, weightName, biasName], [output]);

            if (layer < widths.Length - 2)
            {
                builder.AddNode("Relu", [output], [$"relu{layer}"]);
                current = $"relu{layer}";
            }
            else
            {
                current = output;
            }
        }

        return current;
    }

    private static string TypeSuffix(DataType elementType) => elementType.ToString().ToLowerInvariant();
}
