using Google.Protobuf;
using InferenceServer.ModelBuilder.Onnx;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using DataType = InferenceServer.ModelBuilder.Onnx.TensorProto.Types.DataType;

namespace InferenceServer.ModelBuilder.Tests.Onnx;

public sealed class OnnxModelBuilderTests
{
    [Fact]
    public void Build_Header_HasIrVersionOpsetAndProducer()
    {
        var model = NewAddModel().Build();

        Assert.Equal(8, model.IrVersion);
        Assert.Equal(17, Assert.Single(model.OpsetImport).Version);
        Assert.Equal(OnnxModelBuilder.ProducerName, model.ProducerName);
        Assert.Equal("add", model.Graph.Name);
    }

    [Fact]
    public void ToByteArray_SameCalls_SameBytes()
        => Assert.Equal(NewAddModel().ToByteArray(), NewAddModel().ToByteArray());

    [Fact]
    public void ToByteArray_CalledTwice_SameBytes()
    {
        var builder = NewAddModel();

        Assert.Equal(builder.ToByteArray(), builder.ToByteArray());
    }

    [Fact]
    public void ToByteArray_Parsed_RoundTripsThroughProtobuf()
    {
        var bytes = NewAddModel().ToByteArray();

        Assert.Equal(bytes, ModelProto.Parser.ParseFrom(bytes).ToByteArray());
    }

    [Fact]
    public void AddInput_MinusOne_BecomesSharedSymbolicDimension()
    {
        var graph = NewAddModel().Build().Graph;

        var x = graph.Input[0].Type.TensorType.Shape.Dim;
        var bias = graph.Initializer[0];
        Assert.Equal("batch", x[0].DimParam);
        Assert.Equal(TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue, x[1].ValueCase);
        Assert.Equal(3, x[1].DimValue);
        Assert.Equal("batch", graph.Output[0].Type.TensorType.Shape.Dim[0].DimParam);
        Assert.Equal([3L], bias.Dims);
    }

    [Fact]
    public void AddInput_ZeroDimension_IsWrittenAsFixedZero()
    {
        var graph = new OnnxModelBuilder("g").AddInput("x", DataType.Float, 0, 4).Build().Graph;

        var dim = graph.Input[0].Type.TensorType.Shape.Dim[0];
        Assert.Equal(TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue, dim.ValueCase);
        Assert.Equal(0, dim.DimValue);
    }

    [Fact]
    public void AddInput_NegativeDimensionOtherThanMinusOne_Throws()
        => Assert.Throws<ArgumentOutOfRangeException>(() => new OnnxModelBuilder("g").AddInput("x", DataType.Float, -2));

    [Fact]
    public void AddInput_UndefinedType_Throws()
        => Assert.Throws<ArgumentOutOfRangeException>(() => new OnnxModelBuilder("g").AddInput("x", DataType.Undefined, 1));

    [Fact]
    public void AddInput_DuplicateName_Throws()
    {
        var builder = new OnnxModelBuilder("g").AddInput("x", DataType.Float, 1);

        Assert.Throws<InvalidOperationException>(() => builder.AddInitializer("x", [1.0f], 1));
    }

    [Fact]
    public void AddNode_UndefinedInput_Throws()
    {
        var builder = new OnnxModelBuilder("g").AddInput("x", DataType.Float, 1);

        var error = Assert.Throws<InvalidOperationException>(() => builder.AddNode("Add", ["x", "y"], ["z"]));
        Assert.Contains("'y'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddNode_EmptyInputName_IsAnOmittedOptionalInput()
    {
        var builder = new OnnxModelBuilder("g")
            .AddInput("x", DataType.Float, -1, 2)
            .AddNode("Clip", ["x", "", ""], ["y"])
            .AddOutput("y", DataType.Float, -1, 2);

        Assert.Equal(["x", "", ""], builder.Build().Graph.Node[0].Input);
    }

    [Fact]
    public void AddNode_Names_FollowPosition()
    {
        var nodes = NewAddModel().AddNode("Relu", ["y"], ["z"]).Build().Graph.Node;

        Assert.Equal(["Add_0", "Relu_1"], nodes.Select(n => n.Name));
    }

    [Fact]
    public void Build_OutputNeverProduced_Throws()
    {
        var builder = new OnnxModelBuilder("g").AddInput("x", DataType.Float, 1).AddOutput("y", DataType.Float, 1);

        Assert.Throws<InvalidOperationException>(builder.Build);
    }

    [Fact]
    public void AddInitializer_WrongValueCount_Throws()
        => Assert.Throws<ArgumentException>(() => OnnxTensors.Create("w", [1.0f, 2.0f, 3.0f], [2, 2]));

    [Fact]
    public void OnnxTensors_Float_StoresLittleEndianRawData()
    {
        var tensor = OnnxTensors.Create("w", [1.0f, -2.0f], [2]);

        Assert.Equal((int)DataType.Float, tensor.DataType);
        Assert.Equal(new byte[] { 0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0 }, tensor.RawData.ToByteArray());
    }

    [Fact]
    public void OnnxTensors_Strings_UseStringData()
    {
        var tensor = OnnxTensors.Create("s", ["a", "é"], [2]);

        Assert.Equal((int)DataType.String, tensor.DataType);
        Assert.True(tensor.RawData.IsEmpty);
        Assert.Equal([ByteString.CopyFromUtf8("a"), ByteString.CopyFromUtf8("é")], tensor.StringData);
    }

    [Fact]
    public void OnnxAttributes_Typed_SetTheDiscriminator()
    {
        Assert.Equal(AttributeProto.Types.AttributeType.Int, OnnxAttributes.Int("axis", 1).Type);
        Assert.Equal(AttributeProto.Types.AttributeType.Float, OnnxAttributes.Float("alpha", 0.5f).Type);
        Assert.Equal(AttributeProto.Types.AttributeType.Ints, OnnxAttributes.Ints("perm", 1, 0).Type);
        Assert.Equal(AttributeProto.Types.AttributeType.Floats, OnnxAttributes.Floats("scales", 1, 2).Type);
        Assert.Equal(AttributeProto.Types.AttributeType.String, OnnxAttributes.String("mode", "constant").Type);
        Assert.Equal(AttributeProto.Types.AttributeType.Tensor, OnnxAttributes.Tensor("value", OnnxTensors.Create("v", [1], [1])).Type);
        Assert.Equal((long)DataType.String, OnnxAttributes.CastTo(DataType.String).I);
    }

    [Fact]
    public void Build_InitializersAndAttributes_RunInOnnxRuntime()
    {
        // y = Transpose(x) * w + b, then Cast to INT64: exercises float/int initializers, Ints and Int attributes.
        var bytes = new OnnxModelBuilder("attrs")
            .AddInput("x", DataType.Float, 2, -1)
            .AddInitializer("w", [2.0f, 3.0f], 2)
            .AddInitializer("b", [10, 20], 2)
            .AddNode("Transpose", ["x"], ["xt"], OnnxAttributes.Ints("perm", 1, 0))
            .AddNode("Mul", ["xt", "w"], ["scaled"])
            .AddNode("Cast", ["b"], ["bf"], OnnxAttributes.CastTo(DataType.Float))
            .AddNode("Add", ["scaled", "bf"], ["sum"])
            .AddNode("Cast", ["sum"], ["y"], OnnxAttributes.CastTo(DataType.Int64))
            .AddOutput("y", DataType.Int64, -1, 2)
            .ToByteArray();

        using var session = new OrtTestSession(bytes);
        using var input = OrtValue.CreateTensorValueFromMemory(new float[] { 1, 2, 3, 4, 5, 6 }, [2, 3]);
        using var result = session.Run(("x", input));

        Assert.Equal(TensorElementType.Int64, session.OutputMetadata["y"].ElementDataType);
        Assert.Equal([3L, 2], result.Shape("y"));
        Assert.Equal([12L, 32, 14, 35, 16, 38], result.Data<long>("y"));
    }

    [Fact]
    public void Save_NestedPath_CreatesDirectoryAndWritesBytes()
    {
        var directory = Path.Combine(Path.GetTempPath(), "modelbuilder-" + Guid.NewGuid().ToString("N"));
        try
        {
            var path = Path.Combine(directory, "a", "model.onnx");
            var builder = NewAddModel();

            builder.Save(path);

            Assert.Equal(builder.ToByteArray(), File.ReadAllBytes(path));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static OnnxModelBuilder NewAddModel()
        => new OnnxModelBuilder("add")
            .AddInput("x", DataType.Float, -1, 3)
            .AddInitializer("bias", [0.5f, 1.5f, -1.0f], 3)
            .AddNode("Add", ["x", "bias"], ["y"])
            .AddOutput("y", DataType.Float, -1, 3);
}
