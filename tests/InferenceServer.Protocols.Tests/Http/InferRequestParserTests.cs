using System.Runtime.InteropServices;
using System.Text;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Memory;
using InferenceServer.Core.Models;
using InferenceServer.Core.Tensors;
using InferenceServer.Protocols.Http;
using InferenceServer.Protocols.Tests.Infrastructure;
using ConfigType = Inference.DataType;

namespace InferenceServer.Protocols.Tests.Http;

public sealed class InferRequestParserTests : IDisposable
{
    private const int MaxDepth = 100;

    private readonly ModelVersion _simple = TestModels.Simple();
    private readonly PinnedBufferPool _pool = new(debug: true);
    private readonly InferenceRequest _request = new();

    public void Dispose()
    {
        // Whatever a parse rented, the request owns and gives back on reset.
        _request.TryReset();
        Assert.Equal(0, _pool.OutstandingCount);
        _simple.Dispose();
        _pool.Dispose();
    }

    private static byte[] Ints(params int[] values) => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    private static int[] Range(int start, int count) => Enumerable.Range(start, count).ToArray();

    private static string Json(IEnumerable<int> values) => "[" + string.Join(',', values) + "]";

    /// <summary>A JSON-only body without Inference-Header-Content-Length.</summary>
    private InferenceError ParseJson(string json, ModelVersion? model = null) =>
        InferRequestParser.Parse(model ?? _simple, Encoding.UTF8.GetBytes(json), -1, _request, _pool, MaxDepth);

    /// <summary>A JSON header followed by binary blobs, with Inference-Header-Content-Length set.</summary>
    private InferenceError ParseBinary(string json, params byte[][] blobs) => ParseBody(BuildBody(json, blobs, out var headerLength), headerLength);

    private InferenceError ParseBody(byte[] body, long headerLength, ModelVersion? model = null) =>
        InferRequestParser.Parse(model ?? _simple, body, headerLength, _request, _pool, MaxDepth);

    private static byte[] BuildBody(string json, byte[][] blobs, out long headerLength)
    {
        var header = Encoding.UTF8.GetBytes(json);
        headerLength = header.Length;
        return [.. header, .. blobs.SelectMany(b => b)];
    }

    private static string SimpleInput(string name, int batch, string dataOrParameters) =>
        $$"""{"name":"{{name}}","shape":[{{batch}},16],"datatype":"INT32",{{dataOrParameters}}}""";

    private static void AssertError(InferenceError error, InferenceErrorCode code, params string[] fragments)
    {
        Assert.Equal(code, error.Code);
        foreach (var fragment in fragments)
        {
            Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Parse_JsonInputsAndOutputs_FillsRequest()
    {
        var json = $$"""
            {
              "id": "request-7",
              "parameters": { "binary_data_output": true, "custom": { "nested": [1, 2] } },
              "inputs": [
                {{SimpleInput("INPUT0", 1, "\"data\":" + Json(Range(0, 16)))}},
                {{SimpleInput("INPUT1", 1, "\"data\":" + Json(Range(100, 16)))}}
              ],
              "outputs": [
                { "name": "OUTPUT1", "parameters": { "binary_data": true } },
                { "name": "OUTPUT0", "parameters": { "binary_data": false, "other": "x" } }
              ]
            }
            """;

        var error = ParseJson(json);

        Assert.False(error.IsError, error.Message);
        Assert.Equal("request-7", _request.Id);
        Assert.True(_request.BinaryDataOutput);
        var inputs = _request.Inputs.ToArray();
        Assert.Equal(["INPUT0", "INPUT1"], inputs.Select(i => i.Name));
        Assert.All(inputs, i => Assert.Equal(DataType.Int32, i.DataType));
        Assert.All(inputs, i => Assert.Equal([1L, 16L], i.Shape.ToArray()));
        Assert.Same(_simple.Signature.Inputs[0], inputs[0].Spec);
        Assert.Equal(Ints(Range(0, 16)), inputs[0].Data.ToArray());
        Assert.Equal(Ints(Range(100, 16)), inputs[1].Data.ToArray());
        var outputs = _request.RequestedOutputs.ToArray();
        Assert.Equal(["OUTPUT1", "OUTPUT0"], outputs.Select(o => o.Name));
        Assert.Equal([true, false], outputs.Select(o => o.Binary));
        Assert.False(RequestValidator.Validate(_simple, _request).IsError);
    }

    [Fact]
    public void Parse_NoOutputsNoId_DefaultsToAllOutputsAsJson()
    {
        var error = ParseJson($$"""{"inputs":[{{SimpleInput("INPUT0", 1, "\"data\":" + Json(Range(0, 16)))}}]}""");

        Assert.False(error.IsError, error.Message);
        Assert.Equal("", _request.Id);
        Assert.False(_request.BinaryDataOutput);
        Assert.Empty(_request.RequestedOutputs.ToArray());
    }

    [Fact]
    public void Parse_NestedData_SameBytesAsFlat()
    {
        var rows = Enumerable.Range(0, 2).Select(r => Json(Range(r * 16, 16)));
        var nested = "[" + string.Join(',', rows) + "]";

        var error = ParseJson($$"""{"inputs":[{{SimpleInput("INPUT0", 2, "\"data\":" + nested)}}]}""");

        Assert.False(error.IsError, error.Message);
        Assert.Equal(Ints(Range(0, 32)), _request.Inputs[0].Data.ToArray());
    }

    [Fact]
    public void Parse_BinaryBlobs_TakenInInputOrderAndUsedInPlace()
    {
        var first = Ints(Range(0, 16));
        var second = Ints(Range(50, 16));
        var json = $$"""{"inputs":[{{SimpleInput("INPUT1", 1, "\"parameters\":{\"binary_data_size\":64}")}},{{SimpleInput("INPUT0", 1, "\"parameters\":{\"binary_data_size\":64}")}}]}""";
        var body = BuildBody(json, [first, second], out var headerLength);

        var error = ParseBody(body, headerLength);

        Assert.False(error.IsError, error.Message);
        var inputs = _request.Inputs.ToArray();
        Assert.Equal(["INPUT1", "INPUT0"], inputs.Select(i => i.Name));
        Assert.Equal(first, inputs[0].Data.ToArray());
        Assert.Equal(second, inputs[1].Data.ToArray());
        Assert.True(inputs[0].Data.Span.Overlaps(body));
        Assert.True(inputs[1].Data.Span.Overlaps(body));
        Assert.False(RequestValidator.Validate(_simple, _request).IsError);
    }

    [Fact]
    public void Parse_JsonAndBinaryInputsMixed_OnlyBinaryInputsConsumeBlobs()
    {
        var blob = Ints(Range(7, 16));
        var json = $$"""{"inputs":[{{SimpleInput("INPUT0", 1, "\"data\":" + Json(Range(0, 16)))}},{{SimpleInput("INPUT1", 1, "\"parameters\":{\"binary_data_size\":64}")}}]}""";

        var error = ParseBinary(json, blob);

        Assert.False(error.IsError, error.Message);
        Assert.Equal(Ints(Range(0, 16)), _request.Inputs[0].Data.ToArray());
        Assert.Equal(blob, _request.Inputs[1].Data.ToArray());
    }

    [Fact]
    public void Parse_BytesBinaryBlob_KeptAsLengthPrefixedElements()
    {
        using var model = TestModels.SingleInput("strings", 4, ConfigType.TypeString, 2);
        var blob = new byte[4 + 2 + 4 + 0];
        BytesTensor.WriteElement(blob, "hi"u8);
        BytesTensor.WriteElement(blob.AsSpan(6), ""u8);
        var body = BuildBody($$$"""{"inputs":[{"name":"INPUT0","shape":[1,2],"datatype":"BYTES","parameters":{"binary_data_size":{{{blob.Length}}}}}]}""", [blob], out var headerLength);

        var error = ParseBody(body, headerLength, model);

        Assert.False(error.IsError, error.Message);
        Assert.Equal(blob, _request.Inputs[0].Data.ToArray());
        Assert.False(RequestValidator.Validate(model, _request).IsError);
    }

    [Theory]
    [InlineData(60)]
    [InlineData(68)]
    [InlineData(0)]
    public void Parse_BinaryDataSizeDiffersFromShape_ErrorNamesInputAndSizes(int size)
    {
        var json = $$"""{"inputs":[{{SimpleInput("INPUT0", 1, $"\"parameters\":{{\"binary_data_size\":{size}}}")}}]}""";

        AssertError(ParseBinary(json, new byte[size]), InferenceErrorCode.InvalidArgument, "input 'INPUT0'", "Expected 64", $"got {size}");
    }

    [Fact]
    public void Parse_TruncatedBlob_ErrorNamesInput()
    {
        var json = $$"""{"inputs":[{{SimpleInput("INPUT0", 1, "\"parameters\":{\"binary_data_size\":64}")}}]}""";

        AssertError(ParseBinary(json, new byte[40]), InferenceErrorCode.InvalidArgument, "input 'INPUT0'", "truncated", "40 bytes");
    }

    [Fact]
    public void Parse_SecondBlobTruncated_ErrorNamesSecondInput()
    {
        var json = $$"""{"inputs":[{{SimpleInput("INPUT0", 1, "\"parameters\":{\"binary_data_size\":64}")}},{{SimpleInput("INPUT1", 1, "\"parameters\":{\"binary_data_size\":64}")}}]}""";

        AssertError(ParseBinary(json, new byte[64], new byte[63]), InferenceErrorCode.InvalidArgument, "input 'INPUT1'", "truncated");
    }

    [Fact]
    public void Parse_BinaryDataSizeWithoutHeaderLength_ReportsMissingBinaryData()
    {
        var json = $$"""{"inputs":[{{SimpleInput("INPUT0", 1, "\"parameters\":{\"binary_data_size\":64}")}}]}""";

        AssertError(ParseJson(json), InferenceErrorCode.InvalidArgument, "input 'INPUT0'", "truncated");
    }

    [Fact]
    public void Parse_ExtraTrailingBinaryBytes_Rejected()
    {
        var json = $$"""{"inputs":[{{SimpleInput("INPUT0", 1, "\"parameters\":{\"binary_data_size\":64}")}}]}""";

        AssertError(ParseBinary(json, new byte[64], [1, 2, 3]), InferenceErrorCode.InvalidArgument, "3 bytes of binary data beyond");
    }

    [Fact]
    public void Parse_BinaryBytesButNoBinaryInput_Rejected()
    {
        var json = $$"""{"inputs":[{{SimpleInput("INPUT0", 1, "\"data\":" + Json(Range(0, 16)))}}]}""";

        AssertError(ParseBinary(json, [9]), InferenceErrorCode.InvalidArgument, "1 bytes of binary data beyond");
    }

    [Fact]
    public void Parse_HeaderLengthBeyondBody_Rejected()
    {
        AssertError(ParseBody(Encoding.UTF8.GetBytes("{}"), 3), InferenceErrorCode.InvalidArgument, "Inference-Header-Content-Length is 3", "only 2 bytes");
    }

    [Fact]
    public void Parse_RawBinaryRequest_WholeBodyIsTheOnlyInputAsBatchOne()
    {
        using var model = TestModels.SingleInput("single", 8, ConfigType.TypeFp32, 4);
        var body = MemoryMarshal.AsBytes(new[] { 1f, 2f, 3f, 4f }.AsSpan()).ToArray();

        var error = ParseBody(body, 0, model);

        Assert.False(error.IsError, error.Message);
        var input = Assert.Single(_request.Inputs.ToArray());
        Assert.Equal("INPUT0", input.Name);
        Assert.Equal(DataType.Fp32, input.DataType);
        Assert.Equal([1L, 4L], input.Shape.ToArray());
        Assert.True(input.Data.Span.Overlaps(body));
        Assert.True(_request.BinaryDataOutput);
        Assert.False(RequestValidator.Validate(model, _request).IsError);
    }

    [Fact]
    public void Parse_RawBinaryRequestWithVariableDimension_InfersItFromBodySize()
    {
        using var model = TestModels.SingleInput("vector", 0, ConfigType.TypeInt16, -1, 2);

        var error = ParseBody(new byte[12], 0, model);

        Assert.False(error.IsError, error.Message);
        Assert.Equal([3L, 2L], _request.Inputs[0].Shape.ToArray());
    }

    [Fact]
    public void Parse_RawBinaryRequestBodyNotAWholeNumberOfRows_Rejected()
    {
        using var model = TestModels.SingleInput("vector", 0, ConfigType.TypeInt16, -1, 2);

        AssertError(ParseBody(new byte[10], 0, model), InferenceErrorCode.InvalidArgument, "input 'INPUT0'", "cannot infer");
    }

    [Fact]
    public void Parse_RawBinaryRequestOnBytesInput_BodyIsOneElement()
    {
        using var model = TestModels.SingleInput("text", 8, ConfigType.TypeString, 1);
        var body = "raw text, not length-prefixed"u8.ToArray();

        var error = ParseBody(body, 0, model);

        Assert.False(error.IsError, error.Message);
        var input = Assert.Single(_request.Inputs.ToArray());
        Assert.Equal([1L, 1L], input.Shape.ToArray());
        ReadOnlySpan<byte> data = input.Data.Span;
        Assert.Equal(body, BytesTensor.ReadElement(ref data).ToArray());
        Assert.True(data.IsEmpty);
        Assert.False(RequestValidator.Validate(model, _request).IsError);
    }

    [Fact]
    public void Parse_RawBinaryRequestOnBytesInputOfSeveralElements_Rejected()
    {
        using var model = TestModels.SingleInput("text", 0, ConfigType.TypeString, 3);

        AssertError(ParseBody("abc"u8.ToArray(), 0, model), InferenceErrorCode.InvalidArgument, "input 'INPUT0'", "dims [1]");
    }

    [Fact]
    public void Parse_RawBinaryRequestOnModelWithTwoInputs_Rejected()
    {
        AssertError(ParseBody(new byte[64], 0), InferenceErrorCode.InvalidArgument, "exactly one input", "'simple' has 2");
    }

    [Theory]
    [InlineData("""{"shape":[1,16],"datatype":"INT32","data":[]}""", "an input has no 'name'")]
    [InlineData("""{"name":"INPUT0","shape":[1,16],"data":[]}""", "input 'INPUT0' has no 'datatype'")]
    [InlineData("""{"data":[],"shape":[1,16],"name":"INPUT0"}""", "input 'INPUT0' has no 'datatype'")]
    [InlineData("""{"name":"INPUT0","datatype":"INT32","data":[]}""", "input 'INPUT0' has no 'shape'")]
    [InlineData("""{"name":"INPUT0","shape":[1,16],"datatype":"INT32"}""", "input 'INPUT0' must have exactly one of 'data' or 'parameters.binary_data_size'")]
    [InlineData("""{"name":"INPUT0","shape":[1,16],"datatype":"INT32","parameters":{}}""", "input 'INPUT0' must have exactly one of")]
    [InlineData("""{"name":"INPUT0","shape":[1,16],"datatype":"INT32","data":[],"parameters":{"binary_data_size":64}}""", "input 'INPUT0' must have exactly one of")]
    [InlineData("""{"name":7,"shape":[1,16],"datatype":"INT32","data":[]}""", "input 'name' must be a string")]
    public void Parse_InputMissingOrConflictingFields_ErrorNamesInput(string input, string message)
    {
        AssertError(ParseJson($$"""{"inputs":[{{input}}]}"""), InferenceErrorCode.InvalidArgument, message);
    }

    [Theory]
    [InlineData("""{"name":"INPUT0","shape":[1,16],"datatype":"FLOAT32","data":[]}""", "input 'INPUT0' has an invalid datatype 'FLOAT32'")]
    [InlineData("""{"datatype":"int32","name":"INPUT0","shape":[1,16],"data":[]}""", "input 'INPUT0' has an invalid datatype 'int32'")]
    [InlineData("""{"name":"INPUT0","datatype":5,"shape":[1,16],"data":[]}""", "input 'INPUT0' has an invalid datatype (a JSON Number)")]
    [InlineData("""{"shape":[1,-16],"name":"INPUT0","datatype":"INT32","data":[]}""", "input 'INPUT0' 'shape' must be an array of non-negative integers")]
    [InlineData("""{"name":"INPUT0","shape":[1,1.5],"datatype":"INT32","data":[]}""", "input 'INPUT0' 'shape' must be")]
    [InlineData("""{"name":"INPUT0","shape":16,"datatype":"INT32","data":[]}""", "input 'INPUT0' 'shape' must be")]
    [InlineData("""{"name":"INPUT0","shape":[1,1,1,1,1,1,1,1,16],"datatype":"INT32","data":[]}""", "input 'INPUT0' has more than 8 dimensions")]
    [InlineData("""{"parameters":{"binary_data_size":-1},"name":"INPUT0","shape":[1,16],"datatype":"INT32"}""", "input 'INPUT0' binary_data_size must be a non-negative integer")]
    [InlineData("""{"name":"INPUT0","shape":[1,16],"datatype":"INT32","parameters":[]}""", "input 'INPUT0' 'parameters' must be an object")]
    public void Parse_InputFieldMalformed_ErrorNamesInputWhereverNameIs(string input, string message)
    {
        AssertError(ParseJson($$"""{"inputs":[{{input}}]}"""), InferenceErrorCode.InvalidArgument, message);
    }

    [Fact]
    public void Parse_UnknownInput_ErrorNamesInputAndModel()
    {
        AssertError(ParseJson($$"""{"inputs":[{{SimpleInput("INPUT9", 1, "\"data\":[]")}}]}"""),
            InferenceErrorCode.InvalidArgument, "unexpected inference input 'INPUT9' for model 'simple'");
    }

    [Fact]
    public void Parse_InputShapeOrTypeWrong_ValidatorMessageNamesInput()
    {
        AssertError(ParseJson("""{"inputs":[{"name":"INPUT1","shape":[1,15],"datatype":"INT32","data":[]}]}"""),
            InferenceErrorCode.InvalidArgument, "unexpected shape for input 'INPUT1'");
        _request.TryReset();
        AssertError(ParseJson("""{"inputs":[{"name":"INPUT1","shape":[1,16],"datatype":"INT64","data":[]}]}"""),
            InferenceErrorCode.InvalidArgument, "inference input 'INPUT1' data-type is 'INT64'");
    }

    [Fact]
    public void Parse_EscapedInputName_ResolvesToTheTensor()
    {
        var error = ParseJson($$"""{"inputs":[{"name":"INPUT\u0030","shape":[1,16],"datatype":"INT32","data":{{Json(Range(0, 16))}}}]}""");

        Assert.False(error.IsError, error.Message);
        Assert.Same(_simple.Signature.Inputs[0], _request.Inputs[0].Spec);
    }

    [Fact]
    public void Parse_JsonDataCountWrong_ErrorNamesInput()
    {
        AssertError(ParseJson($$"""{"inputs":[{{SimpleInput("INPUT0", 1, "\"data\":" + Json(Range(0, 17)))}}]}"""),
            InferenceErrorCode.InvalidArgument, "input 'INPUT0' has more data values than its shape's 16 elements");
        _request.TryReset();
        AssertError(ParseJson($$"""{"inputs":[{{SimpleInput("INPUT0", 1, "\"data\":" + Json(Range(0, 15)))}}]}"""),
            InferenceErrorCode.InvalidArgument, "input 'INPUT0' has 15 data values but its shape has 16 elements");
    }

    [Fact]
    public void Parse_Fp16AsJson_NotANumber_ErrorNamesInputAndElement()
    {
        using var model = TestModels.SingleInput("half", 0, ConfigType.TypeFp16, 2);

        // FP16 is read from JSON numbers (Triton asks for binary); a value that is not a number is still refused.
        AssertError(ParseJson("""{"inputs":[{"name":"INPUT0","shape":[2],"datatype":"FP16","data":[1.0,true]}]}""", model),
            InferenceErrorCode.InvalidArgument, "input 'INPUT0'", "FP16", "element 1");
    }

    [Theory]
    [InlineData("""{"outputs":[]}""", "no 'inputs' array")]
    [InlineData("""{"inputs":{}}""", "request 'inputs' must be an array")]
    [InlineData("""{"inputs":[1]}""", "each element of 'inputs' must be an object")]
    [InlineData("""{"inputs":[],"outputs":{}}""", "request 'outputs' must be an array")]
    [InlineData("""{"inputs":[],"outputs":["OUTPUT0"]}""", "each element of 'outputs' must be an object")]
    [InlineData("""{"inputs":[],"outputs":[{"parameters":{"binary_data":true}}]}""", "an output has no 'name'")]
    [InlineData("""{"inputs":[],"outputs":[{"name":"OUTPUT0","parameters":{"binary_data":"yes"}}]}""", "output 'OUTPUT0' binary_data must be a boolean")]
    [InlineData("""{"inputs":[],"outputs":[{"name":1}]}""", "output 'name' must be a string")]
    [InlineData("""{"inputs":[],"id":5}""", "request 'id' must be a string")]
    [InlineData("""{"inputs":[],"parameters":[]}""", "request 'parameters' must be an object")]
    [InlineData("""{"inputs":[],"parameters":{"binary_data_output":1}}""", "parameter 'binary_data_output' must be a boolean")]
    [InlineData("""[]""", "must be a JSON object")]
    [InlineData("""{"inputs":[""", "failed to parse the request JSON")]
    [InlineData("""{"inputs":[],}""", "failed to parse the request JSON")]
    [InlineData("", "failed to parse the request JSON")]
    public void Parse_MalformedRequest_InvalidArgument(string json, string message)
    {
        AssertError(ParseJson(json), InferenceErrorCode.InvalidArgument, message);
    }

    [Theory]
    [InlineData(" x")]
    [InlineData("{}")]
    [InlineData(",")]
    public void Parse_ContentAfterTheJsonObject_InvalidArgument(string trailing)
    {
        var json = $$"""{"inputs":[{{SimpleInput("INPUT0", 1, "\"data\":" + Json(Range(0, 16)))}}]}""" + trailing;

        AssertError(ParseJson(json), InferenceErrorCode.InvalidArgument, "failed to parse the request JSON");
    }

    [Fact]
    public void Parse_WhitespaceAfterTheJsonObject_Accepted()
    {
        var json = $$"""{"inputs":[{{SimpleInput("INPUT0", 1, "\"data\":" + Json(Range(0, 16)))}}]}""" + " \r\n\t";

        Assert.False(ParseJson(json).IsError);
    }

    [Fact]
    public void Parse_NestingBeyondMaxDepth_InvalidArgument()
    {
        var deep = new string('[', 150) + "1" + new string(']', 150);

        AssertError(ParseJson($$"""{"inputs":[{{SimpleInput("INPUT0", 1, "\"data\":" + deep)}}]}"""), InferenceErrorCode.InvalidArgument, "failed to parse the request JSON");
    }

    [Theory]
    [InlineData("triton_enable_empty_final_response")]
    [InlineData("triton_anything")]
    public void Parse_TritonReservedParameter_RejectedNamingIt(string key)
    {
        AssertError(ParseJson($$"""{"parameters":{"{{key}}":true},"inputs":[]}"""), InferenceErrorCode.InvalidArgument, $"parameter '{key}' is reserved");
    }

    [Theory]
    [InlineData("shared_memory_byte_size")]
    [InlineData("shared_memory_offset")]
    public void Parse_SharedMemorySizeNotANumber_InvalidArgument(string key)
    {
        var json = $$$"""{"inputs":[{"name":"INPUT0","shape":[1,16],"datatype":"INT32","parameters":{"{{{key}}}":"region0"}}]}""";

        AssertError(ParseJson(json), InferenceErrorCode.InvalidArgument, "input 'INPUT0'", key);
    }

    [Fact]
    public void Parse_SharedMemoryOutputOfUnregisteredRegion_NotFound()
    {
        var json = """{"inputs":[],"outputs":[{"name":"OUTPUT0","parameters":{"shared_memory_region":"r","shared_memory_byte_size":64}}]}""";

        AssertError(ParseJson(json), InferenceErrorCode.NotFound, "'r'");
    }

    [Fact]
    public void Parse_SharedMemoryInputWithData_InvalidArgument()
    {
        var json = """{"inputs":[{"name":"INPUT0","shape":[1,16],"datatype":"INT32","data":[1],"parameters":{"shared_memory_region":"r","shared_memory_byte_size":64}}]}""";

        AssertError(ParseJson(json), InferenceErrorCode.InvalidArgument, "input 'INPUT0'", "must not carry data");
    }

    [Fact]
    public void Parse_ClassificationOutput_SetsClassCount()
    {
        var json = """{"inputs":[],"outputs":[{"name":"OUTPUT0","parameters":{"classification":3}}]}""";

        Assert.False(ParseJson(json).IsError);
        Assert.Equal(3, _request.RequestedOutputs[0].ClassCount);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("\"3\"")]
    public void Parse_ClassificationNotPositive_InvalidArgument(string k)
    {
        var json = $$$"""{"inputs":[],"outputs":[{"name":"OUTPUT0","parameters":{"classification":{{{k}}}}}]}""";

        AssertError(ParseJson(json), InferenceErrorCode.InvalidArgument, "output 'OUTPUT0'", "classification");
    }

    [Fact]
    public void Parse_UnknownOutput_LeftForValidation()
    {
        var error = ParseJson($$"""{"inputs":[{{SimpleInput("INPUT0", 1, "\"data\":" + Json(Range(0, 16)))}},{{SimpleInput("INPUT1", 1, "\"data\":" + Json(Range(0, 16)))}}],"outputs":[{"name":"OUTPUT9"}]}""");

        Assert.False(error.IsError, error.Message);
        AssertError(RequestValidator.Validate(_simple, _request), InferenceErrorCode.InvalidArgument, "unexpected inference output 'OUTPUT9'");
    }

    [Fact]
    public void Parse_ErrorAfterJsonInputParsed_BuffersReturnedOnReset()
    {
        var json = $$"""{"inputs":[{{SimpleInput("INPUT0", 1, "\"data\":" + Json(Range(0, 16)))}},{{SimpleInput("INPUT1", 1, "\"data\":[1]")}}]}""";

        Assert.True(ParseJson(json).IsError);
        Assert.Equal(1, _pool.OutstandingCount);

        _request.TryReset();
        Assert.Equal(0, _pool.OutstandingCount);
    }
}
