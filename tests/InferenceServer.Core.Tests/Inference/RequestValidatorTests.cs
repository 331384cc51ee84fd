using System.Buffers.Binary;
using Inference;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Models;
using InferenceServer.Core.Tensors;
using InferenceServer.Core.Tests.Infrastructure;
using DataType = InferenceServer.Core.Tensors.DataType;

namespace InferenceServer.Core.Tests.Inference;

public sealed class RequestValidatorTests : IDisposable
{
    // simple: INT32 INPUT0/INPUT1 [-1,16] → OUTPUT0/OUTPUT1, max_batch_size 8.
    private readonly ModelVersion _simple = TestConfigs.Version(TestConfigs.Simple());

    // fixed: FP32 INPUT0 [2,3], optional BYTES INPUT1 [-1], no batching.
    private readonly ModelVersion _fixed = TestConfigs.Version(FixedConfig());

    private static ModelConfig FixedConfig()
    {
        var config = new ModelConfig { Name = "fixed", Backend = "test" };
        config.Input.Add(TestConfigs.Input("INPUT0", global::Inference.DataType.TypeFp32, 2, 3));
        var optional = TestConfigs.Input("INPUT1", global::Inference.DataType.TypeString, -1);
        optional.Optional = true;
        config.Input.Add(optional);
        config.Output.Add(TestConfigs.Output("OUTPUT0", global::Inference.DataType.TypeFp32, 2, 3));
        return config;
    }

    public void Dispose()
    {
        _simple.Dispose();
        _fixed.Dispose();
    }

    private static InferenceError Header(ModelVersion model, string name, DataType type, params long[] dims) =>
        RequestValidator.ValidateInputHeader(model, model.Signature.FindInput(name), name, type, TensorShape.Create(dims), out _);

    private static InferenceInput AddInput(InferenceRequest request, string name, DataType type, long[] dims, byte[] data)
    {
        var input = request.AddInput(name, type, TensorShape.Create(dims), spec: null);
        InferenceRequest.SetInputData(input, data);
        return input;
    }

    private static byte[] Strings(params string[] values)
    {
        var data = new byte[values.Sum(v => 4 + System.Text.Encoding.UTF8.GetByteCount(v))];
        var span = data.AsSpan();
        foreach (var value in values)
        {
            span = span[BytesTensor.WriteElement(span, System.Text.Encoding.UTF8.GetBytes(value))..];
        }

        return data;
    }

    private static void AssertInvalid(InferenceError error, params string[] fragments)
    {
        Assert.Equal(InferenceErrorCode.InvalidArgument, error.Code);
        foreach (var fragment in fragments)
        {
            Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ValidateInputHeader_MatchingInput_ReportsExpectedByteSize()
    {
        var error = RequestValidator.ValidateInputHeader(_simple, _simple.Signature.FindInput("INPUT0"), "INPUT0", DataType.Int32, TensorShape.Create([3, 16]), out var bytes);

        Assert.False(error.IsError);
        Assert.Equal(3 * 16 * 4, bytes);
    }

    [Fact]
    public void ValidateInputHeader_Bytes_ReportsNoFixedSize()
    {
        var error = RequestValidator.ValidateInputHeader(_fixed, _fixed.Signature.FindInput("INPUT1"), "INPUT1", DataType.Bytes, TensorShape.Create([5]), out var bytes);

        Assert.False(error.IsError);
        Assert.Equal(-1, bytes);
    }

    [Fact]
    public void ValidateInputHeader_UnknownInput_NamesInputAndModel()
    {
        AssertInvalid(Header(_simple, "INPUT9", DataType.Int32, 1, 16), "unexpected inference input 'INPUT9'", "model 'simple'");
    }

    [Fact]
    public void ValidateInputHeader_WrongDatatype_NamesInputAndBothTypes()
    {
        AssertInvalid(Header(_simple, "INPUT1", DataType.Fp32, 1, 16), "'INPUT1'", "'FP32'", "'INT32'", "model 'simple'");
    }

    [Theory]
    [InlineData(new long[] { 16 })]
    [InlineData(new long[] { 1, 15 })]
    [InlineData(new long[] { 1, 16, 1 })]
    [InlineData(new long[] { })]
    public void ValidateInputHeader_WrongShapeOnBatchingModel_NamesInputAndExpectedShape(long[] dims)
    {
        AssertInvalid(Header(_simple, "INPUT0", DataType.Int32, dims), "input 'INPUT0'", "Expected [-1,16]", "got " + TensorShape.Format(dims));
    }

    [Theory]
    [InlineData(new long[] { 3, 2 })]
    [InlineData(new long[] { 1, 2, 3 })]
    [InlineData(new long[] { 6 })]
    public void ValidateInputHeader_WrongShapeOnFixedModel_NamesInputAndExpectedShape(long[] dims)
    {
        AssertInvalid(Header(_fixed, "INPUT0", DataType.Fp32, dims), "input 'INPUT0'", "Expected [2,3]");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(9)]
    public void ValidateInputHeader_BatchOutsideLimit_NamesInputAndLimit(long batch)
    {
        AssertInvalid(Header(_simple, "INPUT0", DataType.Int32, batch, 16), "batch-size must be <= 8", "input 'INPUT0'", $"batch-size {batch}");
    }

    [Fact]
    public void ValidateInputHeader_VariableDimension_AcceptsAnySizeIncludingZero()
    {
        Assert.False(Header(_fixed, "INPUT1", DataType.Bytes, 0).IsError);
        Assert.False(Header(_fixed, "INPUT1", DataType.Bytes, 1000).IsError);
    }

    [Fact]
    public void ValidateInputHeader_NegativeDimension_Rejected()
    {
        AssertInvalid(Header(_fixed, "INPUT1", DataType.Bytes, -1), "input 'INPUT1'");
    }

    [Fact]
    public void ValidateInputHeader_ElementCountOverflows_InvalidArgumentNamingInput()
    {
        var model = TestConfigs.Version(TestConfigs.Simple("wide", 8, global::Inference.DataType.TypeInt64, -1, -1));
        using var _ = model;

        AssertInvalid(Header(model, "INPUT0", DataType.Int64, 2, 1L << 62, 1L << 62), "input 'INPUT0'", "overflows");
    }

    [Theory]
    [InlineData(1L << 61)] // * 8 bytes overflows a long
    [InlineData(long.MaxValue / 8)]
    [InlineData(1L << 28)] // 2 GiB: just above the per-tensor limit
    public void ValidateInputHeader_ByteSizeAboveLimit_PayloadTooLargeNamingInput(long elements)
    {
        var model = TestConfigs.Version(TestConfigs.Simple("huge", 8, global::Inference.DataType.TypeInt64, -1));
        using var _ = model;

        var error = Header(model, "INPUT0", DataType.Int64, 1, elements);

        Assert.Equal(InferenceErrorCode.PayloadTooLarge, error.Code);
        Assert.Contains("input 'INPUT0'", error.Message, StringComparison.Ordinal);
        Assert.Contains((elements * (System.Numerics.BigInteger)8).ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_CompleteRequest_SetsBatchSizeAndSpecs()
    {
        var request = new InferenceRequest();
        var a = AddInput(request, "INPUT0", DataType.Int32, [3, 16], new byte[3 * 16 * 4]);
        var b = AddInput(request, "INPUT1", DataType.Int32, [3, 16], new byte[3 * 16 * 4]);
        var output = request.AddRequestedOutput("OUTPUT1", binary: false);

        var error = RequestValidator.Validate(_simple, request);

        Assert.False(error.IsError, error.Message);
        Assert.Equal(3, request.BatchSize);
        Assert.Same(_simple.Signature.Inputs[0], a.Spec);
        Assert.Same(_simple.Signature.Inputs[1], b.Spec);
        Assert.Same(_simple.Signature.Outputs[1], output.Spec);
    }

    [Fact]
    public void Validate_NonBatchingModel_BatchSizeIsOne()
    {
        var request = new InferenceRequest();
        AddInput(request, "INPUT0", DataType.Fp32, [2, 3], new byte[24]);

        var error = RequestValidator.Validate(_fixed, request);

        Assert.False(error.IsError, error.Message);
        Assert.Equal(1, request.BatchSize);
    }

    [Fact]
    public void Validate_OptionalInputGiven_Accepted()
    {
        var request = new InferenceRequest();
        AddInput(request, "INPUT1", DataType.Bytes, [2], Strings("a", "bc"));
        AddInput(request, "INPUT0", DataType.Fp32, [2, 3], new byte[24]);

        Assert.False(RequestValidator.Validate(_fixed, request).IsError);
    }

    [Fact]
    public void Validate_MissingRequiredInput_ListsGivenAndMissingNames()
    {
        var request = new InferenceRequest();
        AddInput(request, "INPUT1", DataType.Int32, [1, 16], new byte[64]);

        AssertInvalid(RequestValidator.Validate(_simple, request),
            "expected 2 inputs but got 1 inputs for model 'simple'", "Got input(s) ['INPUT1']", "missing required input(s) ['INPUT0']");
    }

    [Fact]
    public void Validate_OnlyOptionalInputMissingRequired_NamesRequiredInput()
    {
        var request = new InferenceRequest();
        AddInput(request, "INPUT1", DataType.Bytes, [1], Strings("x"));

        AssertInvalid(RequestValidator.Validate(_fixed, request), "missing required input(s) ['INPUT0']");
    }

    [Fact]
    public void Validate_NoInputs_NamesEveryMissingInput()
    {
        AssertInvalid(RequestValidator.Validate(_simple, new InferenceRequest()), "missing required input(s) ['INPUT0','INPUT1']");
    }

    [Fact]
    public void Validate_DuplicateInput_NamesInput()
    {
        var request = new InferenceRequest();
        AddInput(request, "INPUT0", DataType.Int32, [1, 16], new byte[64]);
        AddInput(request, "INPUT0", DataType.Int32, [1, 16], new byte[64]);

        AssertInvalid(RequestValidator.Validate(_simple, request), "input 'INPUT0' is given more than once");
    }

    [Theory]
    [InlineData(63)]
    [InlineData(65)]
    [InlineData(0)]
    public void Validate_DataSizeMismatch_NamesInputAndBothSizes(int size)
    {
        var request = new InferenceRequest();
        AddInput(request, "INPUT0", DataType.Int32, [1, 16], new byte[64]);
        AddInput(request, "INPUT1", DataType.Int32, [1, 16], new byte[size]);

        AssertInvalid(RequestValidator.Validate(_simple, request), "input 'INPUT1'", "Expected 64", $"got {size}");
    }

    [Fact]
    public void Validate_BytesElementCountMismatch_NamesInputAndCounts()
    {
        var request = new InferenceRequest();
        AddInput(request, "INPUT0", DataType.Fp32, [2, 3], new byte[24]);
        AddInput(request, "INPUT1", DataType.Bytes, [3], Strings("a", "b"));

        AssertInvalid(RequestValidator.Validate(_fixed, request), "expected 3 string elements for inference input 'INPUT1'", "got 2");
    }

    [Fact]
    public void Validate_MalformedBytes_NamesInput()
    {
        var data = Strings("abc");
        BinaryPrimitives.WriteUInt32LittleEndian(data, 100);
        var request = new InferenceRequest();
        AddInput(request, "INPUT0", DataType.Fp32, [2, 3], new byte[24]);
        AddInput(request, "INPUT1", DataType.Bytes, [1], data);

        AssertInvalid(RequestValidator.Validate(_fixed, request), "input 'INPUT1'", "malformed");
    }

    [Fact]
    public void Validate_InputsDisagreeOnBatch_NamesBothInputs()
    {
        var request = new InferenceRequest();
        AddInput(request, "INPUT0", DataType.Int32, [2, 16], new byte[128]);
        AddInput(request, "INPUT1", DataType.Int32, [1, 16], new byte[64]);

        AssertInvalid(RequestValidator.Validate(_simple, request), "'INPUT0' has 2", "'INPUT1' has 1");
    }

    [Fact]
    public void Validate_UnknownOutput_NamesOutput()
    {
        var request = new InferenceRequest();
        AddInput(request, "INPUT0", DataType.Fp32, [2, 3], new byte[24]);
        request.AddRequestedOutput("OUTPUT7", binary: true);

        AssertInvalid(RequestValidator.Validate(_fixed, request), "unexpected inference output 'OUTPUT7' for model 'fixed'");
    }

    [Fact]
    public void Validate_DuplicateOutput_NamesOutput()
    {
        var request = new InferenceRequest();
        AddInput(request, "INPUT0", DataType.Fp32, [2, 3], new byte[24]);
        request.AddRequestedOutput("OUTPUT0", binary: true);
        request.AddRequestedOutput("OUTPUT0", binary: false);

        AssertInvalid(RequestValidator.Validate(_fixed, request), "output 'OUTPUT0' is requested more than once");
    }

    [Fact]
    public void Validate_HeaderErrorOfInput_IsReportedAsIs()
    {
        var request = new InferenceRequest();
        AddInput(request, "INPUT0", DataType.Int32, [1, 16], new byte[64]);
        AddInput(request, "INPUT1", DataType.Int64, [1, 16], new byte[128]);

        AssertInvalid(RequestValidator.Validate(_simple, request), "inference input 'INPUT1' data-type is 'INT64'");
    }
}
