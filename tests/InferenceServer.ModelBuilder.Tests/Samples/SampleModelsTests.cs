using System.Buffers.Binary;
using InferenceServer.ModelBuilder.Onnx;
using InferenceServer.ModelBuilder.Samples;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace InferenceServer.ModelBuilder.Tests.Samples;

public sealed class SampleModelsTests
{
    private const int Width = SampleModels.SimpleWidth;

    [Fact]
    public void Simple_TwoRows_AddsAndSubtracts()
    {
        var input0 = Enumerable.Range(0, 2 * Width).ToArray();
        var input1 = Enumerable.Range(0, 2 * Width).Select(i => 1 - (3 * i)).ToArray();

        using var session = new OrtTestSession(SampleModels.Simple());
        using var a = OrtValue.CreateTensorValueFromMemory(input0, [2, Width]);
        using var b = OrtValue.CreateTensorValueFromMemory(input1, [2, Width]);
        using var result = session.Run(("INPUT0", a), ("INPUT1", b));

        Assert.Equal([2L, Width], result.Shape("OUTPUT0"));
        Assert.Equal(input0.Zip(input1, (x, y) => x + y), result.Data<int>("OUTPUT0"));
        Assert.Equal(input0.Zip(input1, (x, y) => x - y), result.Data<int>("OUTPUT1"));
    }

    [Fact]
    public void Simple_Metadata_HasSymbolicBatchAndFixedWidth()
    {
        using var session = new OrtTestSession(SampleModels.Simple());

        foreach (var name in new[] { "INPUT0", "INPUT1" })
        {
            var input = session.InputMetadata[name];
            Assert.Equal(TensorElementType.Int32, input.ElementDataType);
            Assert.Equal([-1, Width], input.Dimensions);
            Assert.Equal("batch", input.SymbolicDimensions[0]);
        }

        Assert.Equal(["OUTPUT0", "OUTPUT1"], session.OutputMetadata.Keys.Order());
        Assert.All(session.OutputMetadata.Values, o => Assert.Equal([-1, Width], o.Dimensions));
    }

    [Fact]
    public void SimpleString_DecimalStrings_ReturnsIntegerStringsWithoutDecimalPoint()
    {
        var left = Enumerable.Range(0, Width).ToArray();
        var right = Enumerable.Range(0, Width).Select(i => i == 0 ? -2147483647 : 7 - (2 * i)).ToArray();

        using var session = new OrtTestSession(SampleModels.SimpleString());
        using var a = OrtTestSession.StringTensor([.. left.Select(v => v.ToString())], 1, Width);
        using var b = OrtTestSession.StringTensor([.. right.Select(v => v.ToString())], 1, Width);
        using var result = session.Run(("INPUT0", a), ("INPUT1", b));

        Assert.Equal(TensorElementType.String, result["OUTPUT0"].GetTensorTypeAndShape().ElementDataType);
        Assert.Equal([1L, Width], result.Shape("OUTPUT0"));
        Assert.Equal(left.Zip(right, (x, y) => (x + y).ToString()), result.Strings("OUTPUT0"));
        Assert.Equal(left.Zip(right, (x, y) => (x - y).ToString()), result.Strings("OUTPUT1"));
    }

    [Fact]
    public void SimpleString_OnePlusTwo_ReturnsThreeNotThreePointZero()
    {
        using var session = new OrtTestSession(SampleModels.SimpleString());
        using var a = OrtTestSession.StringTensor(Enumerable.Repeat("1", Width).ToArray(), 1, Width);
        using var b = OrtTestSession.StringTensor(Enumerable.Repeat("2", Width).ToArray(), 1, Width);
        using var result = session.Run(("INPUT0", a), ("INPUT1", b));

        Assert.All(result.Strings("OUTPUT0"), s => Assert.Equal("3", s));
        Assert.All(result.Strings("OUTPUT1"), s => Assert.Equal("-1", s));
    }

    [Fact]
    public void SimpleIdentity_RaggedStrings_ReturnsThemUnchanged()
    {
        string[] values = ["", "a", "héllo wörld", "🙂", new string('x', 1000), "line\nbreak"];

        using var session = new OrtTestSession(SampleModels.SimpleIdentity());
        using var input = OrtTestSession.StringTensor(values, 2, 3);
        using var result = session.Run(("INPUT0", input));

        Assert.Equal([2L, 3], result.Shape("OUTPUT0"));
        Assert.Equal(values, result.Strings("OUTPUT0"));
        Assert.Equal([-1, -1], session.InputMetadata["INPUT0"].Dimensions);
    }

    [Fact]
    public void FraudDetector_Batch_MatchesReferenceForwardPass()
    {
        const int batch = 5;
        var random = new DeterministicRandom(42);
        var features = new float[batch * SampleModels.FraudFeatureCount];
        for (var i = 0; i < features.Length; i++)
        {
            features[i] = random.NextSymmetric(3.0f);
        }

        var bytes = SampleModels.FraudDetector();
        using var session = new OrtTestSession(bytes);
        using var input = OrtValue.CreateTensorValueFromMemory(features, [batch, SampleModels.FraudFeatureCount]);
        using var result = session.Run(("features", input));

        Assert.Equal([batch, (long)SampleModels.FraudClassCount], result.Shape("probabilities"));
        var actual = result.Data<float>("probabilities");
        var expected = ReferenceForward(ModelProto.Parser.ParseFrom(bytes).Graph, features, batch);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], 1e-5f);
        }

        for (var row = 0; row < batch; row++)
        {
            Assert.Equal(1.0f, actual[2 * row] + actual[(2 * row) + 1], 1e-5f);
        }

        // Seeded weights that happened to saturate would make a useless demo model.
        Assert.Contains(actual, p => p is > 0.01f and < 0.99f);
    }

    [Fact]
    public void FraudDetector_Metadata_HasThirtyFeaturesAndTwoProbabilities()
    {
        using var session = new OrtTestSession(SampleModels.FraudDetector());

        var input = Assert.Single(session.InputMetadata);
        Assert.Equal("features", input.Key);
        Assert.Equal(TensorElementType.Float, input.Value.ElementDataType);
        Assert.Equal([-1, 30], input.Value.Dimensions);
        var output = Assert.Single(session.OutputMetadata);
        Assert.Equal("probabilities", output.Key);
        Assert.Equal([-1, 2], output.Value.Dimensions);
    }

    [Fact]
    public void FraudDetector_Bytes_StayWellUnderCommitSize()
        => Assert.InRange(SampleModels.FraudDetector().Length, 1, 32 * 1024);

    [Fact]
    public void Mlp_BenchmarkShape_RunsWithExpectedOutputShape()
    {
        const int batch = 4;
        var bytes = SampleModels.Mlp(inputs: 256, hidden: 1024, outputs: 10, layers: 2);
        var input = new float[batch * 256];
        input.AsSpan().Fill(0.5f);

        using var session = new OrtTestSession(bytes);
        using var value = OrtValue.CreateTensorValueFromMemory(input, [batch, 256]);
        using var result = session.Run(("INPUT0", value));

        Assert.Equal([batch, 10L], result.Shape("OUTPUT0"));
        Assert.All(result.Data<float>("OUTPUT0"), v => Assert.True(float.IsFinite(v)));
        Assert.Equal([-1, 256], session.InputMetadata["INPUT0"].Dimensions);
    }

    [Fact]
    public void Mlp_SmallShape_MatchesReferenceForwardPass()
    {
        const int batch = 3;
        var bytes = SampleModels.Mlp(inputs: 8, hidden: 16, outputs: 3, layers: 3);
        var input = Enumerable.Range(0, batch * 8).Select(i => (i % 7) - 3.0f).ToArray();

        using var session = new OrtTestSession(bytes);
        using var value = OrtValue.CreateTensorValueFromMemory(input, [batch, 8]);
        using var result = session.Run(("INPUT0", value));

        var expected = ReferenceForward(ModelProto.Parser.ParseFrom(bytes).Graph, input, batch);
        var actual = result.Data<float>("OUTPUT0");
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], 1e-4f);
        }
    }

    [Fact]
    public void Mlp_Fp16_HasTheFp32WeightsRoundedAndComputesCloseToIt()
    {
        const int batch = 2;
        var fp32 = SampleModels.Mlp(inputs: 8, hidden: 16, outputs: 3, layers: 3);
        var fp16 = SampleModels.Mlp(inputs: 8, hidden: 16, outputs: 3, layers: 3, TensorProto.Types.DataType.Float16);

        var wide = ModelProto.Parser.ParseFrom(fp32).Graph.Initializer;
        var half = ModelProto.Parser.ParseFrom(fp16).Graph.Initializer;
        Assert.Equal(wide.Select(t => t.Name), half.Select(t => t.Name));
        Assert.All(half, t => Assert.Equal((int)TensorProto.Types.DataType.Float16, t.DataType));
        for (var i = 0; i < wide.Count; i++)
        {
            var expected = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(wide[i].RawData.Span).ToArray().Select(v => (Half)v);
            Assert.Equal(expected, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, Half>(half[i].RawData.Span).ToArray());
        }

        var input = Enumerable.Range(0, batch * 8).Select(i => ((i % 5) - 2) * 0.5f).ToArray();
        using var wideSession = new OrtTestSession(fp32);
        using var halfSession = new OrtTestSession(fp16);
        using var wideValue = OrtValue.CreateTensorValueFromMemory(input, [batch, 8]);
        using var halfValue = OrtValue.CreateTensorValueFromMemory(input.Select(v => (Float16)v).ToArray(), [batch, 8]);
        using var wideResult = wideSession.Run(("INPUT0", wideValue));
        using var halfResult = halfSession.Run(("INPUT0", halfValue));

        var reference = wideResult.Data<float>("OUTPUT0");
        var largest = reference.Max(MathF.Abs);
        Assert.All(reference.Zip(halfResult.Data<Float16>("OUTPUT0")), p => Assert.InRange(MathF.Abs(p.First - (float)p.Second), 0, 0.01f * largest));
    }

    [Theory]
    [InlineData(0, 1, 1, 1)]
    [InlineData(1, 0, 1, 1)]
    [InlineData(1, 1, 0, 1)]
    [InlineData(1, 1, 1, 0)]
    public void Mlp_NonPositiveSize_Throws(int inputs, int hidden, int outputs, int layers)
        => Assert.Throws<ArgumentOutOfRangeException>(() => SampleModels.Mlp(inputs, hidden, outputs, layers));

    [Fact]
    public void FixedShape_Metadata_HasNoSymbolicDimension()
    {
        using var session = new OrtTestSession(SampleModels.FixedShape());

        var input = session.InputMetadata["INPUT0"];
        Assert.Equal(TensorElementType.Float, input.ElementDataType);
        Assert.Equal([2, 3], input.Dimensions);
        Assert.All(input.SymbolicDimensions, Assert.Empty);
        Assert.Equal([2, 3], session.OutputMetadata["OUTPUT0"].Dimensions);
    }

    [Fact]
    public void FixedShape_Input_ReturnsDoubled()
    {
        float[] values = [1, 2, 3, -4, 0.5f, 100];

        using var session = new OrtTestSession(SampleModels.FixedShape());
        using var input = OrtValue.CreateTensorValueFromMemory(values, [2, 3]);
        using var result = session.Run(("INPUT0", input));

        Assert.Equal(values.Select(v => v * 2), result.Data<float>("OUTPUT0"));
    }

    [Fact]
    public void Corrupt_Load_ThrowsOnnxRuntimeException()
        => Assert.Throws<OnnxRuntimeException>(() => new OrtTestSession(SampleModels.Corrupt()));

    [Fact]
    public void Corrupt_Parse_IsNotAProtobufModel()
        => Assert.ThrowsAny<Google.Protobuf.InvalidProtocolBufferException>(() => ModelProto.Parser.ParseFrom(SampleModels.Corrupt()));

    [Fact]
    public void Models_Header_DeclaresIrVersion8AndOpset17()
    {
        foreach (var bytes in new[] { SampleModels.Simple(), SampleModels.SimpleString(), SampleModels.SimpleIdentity(), SampleModels.FraudDetector(), SampleModels.FixedShape() })
        {
            var model = ModelProto.Parser.ParseFrom(bytes);
            Assert.Equal(8, model.IrVersion);
            var opset = Assert.Single(model.OpsetImport);
            Assert.Equal("", opset.Domain);
            Assert.Equal(17, opset.Version);
        }
    }

    /// <summary>
    /// Evaluates a Gemm/Relu/Softmax/Identity chain in plain C#, reading the weights back out of
    /// the model, so the test checks what ONNX Runtime computes from what the builder wrote.
    /// </summary>
    private static float[] ReferenceForward(GraphProto graph, float[] input, int batch)
    {
        var initializers = graph.Initializer.ToDictionary(t => t.Name);
        var activations = input;
        var width = input.Length / batch;
        foreach (var node in graph.Node)
        {
            switch (node.OpType)
            {
                case "Gemm":
                    var weights = initializers[node.Input[1]];
                    var bias = Floats(initializers[node.Input[2]]);
                    var w = Floats(weights);
                    var fanOut = (int)weights.Dims[1];
                    var next = new float[batch * fanOut];
                    for (var row = 0; row < batch; row++)
                    {
                        for (var j = 0; j < fanOut; j++)
                        {
                            var sum = (double)bias[j];
                            for (var k = 0; k < width; k++)
                            {
                                sum += (double)activations[(row * width) + k] * w[(k * fanOut) + j];
                            }

                            next[(row * fanOut) + j] = (float)sum;
                        }
                    }

                    activations = next;
                    width = fanOut;
                    break;
                case "Relu":
                    activations = [.. activations.Select(v => MathF.Max(v, 0))];
                    break;
                case "Softmax":
                    activations = [.. activations.Chunk(width).SelectMany(row =>
                    {
                        var max = row.Max();
                        var exp = row.Select(v => Math.Exp(v - max)).ToArray();
                        var total = exp.Sum();
                        return exp.Select(e => (float)(e / total));
                    })];
                    break;
                case "Identity":
                    break;
                default:
                    throw new NotSupportedException(node.OpType);
            }
        }

        return activations;
    }

    private static float[] Floats(TensorProto tensor)
    {
        var raw = tensor.RawData.Span;
        var values = new float[raw.Length / sizeof(float)];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(raw[(i * sizeof(float))..]);
        }

        return values;
    }
}
