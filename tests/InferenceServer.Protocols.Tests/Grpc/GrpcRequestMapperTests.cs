using System.Runtime.InteropServices;
using Google.Protobuf;
using Inference;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Memory;
using InferenceServer.Core.Models;
using InferenceServer.Core.Tensors;
using InferenceServer.Protocols.Grpc;
using InferenceServer.Protocols.Tests.Infrastructure;
using DataType = InferenceServer.Core.Tensors.DataType;

namespace InferenceServer.Protocols.Tests.Grpc;

public sealed class GrpcRequestMapperTests : IDisposable
{
    private readonly ModelVersion _simple = TestModels.Simple();
    private readonly ModelVersion _typed = TestModels.Typed();
    private readonly PinnedBufferPool _pool = new(debug: true);
    private readonly InferenceRequest _request = new();

    public void Dispose()
    {
        _request.TryReset();
        Assert.Equal(0, _pool.OutstandingCount);
        _simple.Dispose();
        _typed.Dispose();
        _pool.Dispose();
    }

    private static byte[] Bytes<T>(params T[] values)
        where T : unmanaged => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    private static ModelInferRequest.Types.InferInputTensor Tensor(string name, string datatype, long[] shape, InferTensorContents? contents = null)
    {
        var tensor = new ModelInferRequest.Types.InferInputTensor { Name = name, Datatype = datatype, Contents = contents };
        tensor.Shape.AddRange(shape);
        return tensor;
    }

    private static ModelInferRequest RawSimple(int batch = 1)
    {
        var message = new ModelInferRequest { ModelName = "simple", Id = "grpc-1" };
        message.Inputs.Add(Tensor("INPUT0", "INT32", [batch, 16]));
        message.Inputs.Add(Tensor("INPUT1", "INT32", [batch, 16]));
        message.RawInputContents.Add(ByteString.CopyFrom(Bytes(Enumerable.Range(0, batch * 16).ToArray())));
        message.RawInputContents.Add(ByteString.CopyFrom(Bytes(Enumerable.Range(100, batch * 16).ToArray())));
        return message;
    }

    private InferenceError Map(ModelVersion model, ModelInferRequest message) => GrpcRequestMapper.Map(model, message, _request, _pool);

    /// <summary>Maps one typed input of the <c>typed</c> model (dims [3]) and returns its bytes.</summary>
    private byte[] MapTyped(string datatype, InferTensorContents contents)
    {
        var message = new ModelInferRequest { ModelName = "typed" };
        message.Inputs.Add(Tensor(datatype, datatype, [3], contents));

        var error = Map(_typed, message);

        Assert.False(error.IsError, error.Message);
        return _request.Inputs[0].Data.ToArray();
    }

    private static void AssertError(InferenceError error, InferenceErrorCode code, params string[] fragments)
    {
        Assert.Equal(code, error.Code);
        foreach (var fragment in fragments)
        {
            Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Map_RawContents_UsedInPlaceInInputOrder()
    {
        var message = RawSimple(batch: 2);
        message.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = "OUTPUT1" });

        var error = Map(_simple, message);

        Assert.False(error.IsError, error.Message);
        Assert.Equal("grpc-1", _request.Id);
        var inputs = _request.Inputs.ToArray();
        Assert.Equal(["INPUT0", "INPUT1"], inputs.Select(i => i.Name));
        Assert.All(inputs, i => Assert.Equal([2L, 16L], i.Shape.ToArray()));
        Assert.True(inputs[0].Data.Span.Overlaps(message.RawInputContents[0].Span));
        Assert.True(inputs[1].Data.Span.Overlaps(message.RawInputContents[1].Span));
        var output = Assert.Single(_request.RequestedOutputs.ToArray());
        Assert.Equal("OUTPUT1", output.Name);
        Assert.True(output.Binary);
        Assert.Equal(0, _pool.OutstandingCount);
        Assert.False(RequestValidator.Validate(_simple, _request).IsError);
    }

    [Fact]
    public void Map_RawContentsOfWrongSize_LeftForValidationWhichNamesInput()
    {
        var message = RawSimple();
        message.RawInputContents[1] = ByteString.CopyFrom(new byte[60]);

        Assert.False(Map(_simple, message).IsError);
        AssertError(RequestValidator.Validate(_simple, _request), InferenceErrorCode.InvalidArgument, "input 'INPUT1'", "Expected 64, got 60");
    }

    [Fact]
    public void Map_TypedContentsOfEveryTypedDatatype_PackedLittleEndian()
    {
        var contents = new InferTensorContents();
        contents.BoolContents.AddRange([true, false, true]);
        Assert.Equal(new byte[] { 1, 0, 1 }, MapTyped("BOOL", contents));
        _request.TryReset();

        contents = new InferTensorContents();
        contents.IntContents.AddRange([int.MinValue, 0, int.MaxValue]);
        Assert.Equal(Bytes(int.MinValue, 0, int.MaxValue), MapTyped("INT32", contents));
        _request.TryReset();

        contents = new InferTensorContents();
        contents.Int64Contents.AddRange([long.MinValue, -1, long.MaxValue]);
        Assert.Equal(Bytes(long.MinValue, -1L, long.MaxValue), MapTyped("INT64", contents));
        _request.TryReset();

        contents = new InferTensorContents();
        contents.UintContents.AddRange([0u, 1u, uint.MaxValue]);
        Assert.Equal(Bytes(0u, 1u, uint.MaxValue), MapTyped("UINT32", contents));
        _request.TryReset();

        contents = new InferTensorContents();
        contents.Uint64Contents.AddRange([0ul, 1ul, ulong.MaxValue]);
        Assert.Equal(Bytes(0ul, 1ul, ulong.MaxValue), MapTyped("UINT64", contents));
        _request.TryReset();

        contents = new InferTensorContents();
        contents.Fp32Contents.AddRange([1.5f, float.NaN, -0f]);
        Assert.Equal(Bytes(1.5f, float.NaN, -0f), MapTyped("FP32", contents));
        _request.TryReset();

        contents = new InferTensorContents();
        contents.Fp64Contents.AddRange([0.1, double.NegativeInfinity, double.MaxValue]);
        Assert.Equal(Bytes(0.1, double.NegativeInfinity, double.MaxValue), MapTyped("FP64", contents));
    }

    [Fact]
    public void Map_NarrowSignedIntegers_UseTheLowBytes()
    {
        var contents = new InferTensorContents();
        contents.IntContents.AddRange([-1, 300, 0x1FF]);
        Assert.Equal(new byte[] { 0xFF, 300 & 0xFF, 0xFF }, MapTyped("INT8", contents));
        _request.TryReset();

        contents = new InferTensorContents();
        contents.IntContents.AddRange([-2, 70_000, 0x12345]);
        Assert.Equal(Bytes<short>(-2, unchecked((short)70_000), 0x2345), MapTyped("INT16", contents));
    }

    [Fact]
    public void Map_NarrowUnsignedIntegers_UseTheLowBytes()
    {
        var contents = new InferTensorContents();
        contents.UintContents.AddRange([255u, 256u + 7u, uint.MaxValue]);
        Assert.Equal(new byte[] { 255, 7, 255 }, MapTyped("UINT8", contents));
        _request.TryReset();

        contents = new InferTensorContents();
        contents.UintContents.AddRange([65_535u, 65_536u + 9u, 0x12345u]);
        Assert.Equal(Bytes<ushort>(65_535, 9, 0x2345), MapTyped("UINT16", contents));
    }

    [Fact]
    public void Map_TypedBytes_BecomeLengthPrefixedElements()
    {
        var contents = new InferTensorContents();
        contents.BytesContents.Add(ByteString.CopyFromUtf8("héllo"));
        contents.BytesContents.Add(ByteString.Empty);
        contents.BytesContents.Add(ByteString.CopyFrom(0xFF, 0x00));

        ReadOnlySpan<byte> data = MapTyped("BYTES", contents);

        Assert.Equal("héllo"u8.ToArray(), BytesTensor.ReadElement(ref data).ToArray());
        Assert.Equal(0, BytesTensor.ReadElement(ref data).Length);
        Assert.Equal(new byte[] { 0xFF, 0x00 }, BytesTensor.ReadElement(ref data).ToArray());
        Assert.True(data.IsEmpty);
    }

    [Fact]
    public void Map_TypedContentsWhileRawContentsUsed_Rejected()
    {
        var message = RawSimple();
        var contents = new InferTensorContents();
        contents.IntContents.AddRange(Enumerable.Range(0, 16));
        message.Inputs[1].Contents = contents;

        AssertError(Map(_simple, message), InferenceErrorCode.InvalidArgument, "input 'INPUT1'", "raw_input_contents", "one or the other");
    }

    [Fact]
    public void Map_LeftoverRawEntries_Rejected()
    {
        var message = RawSimple();
        message.RawInputContents.Add(ByteString.CopyFrom(1, 2, 3));

        AssertError(Map(_simple, message), InferenceErrorCode.InvalidArgument, "raw_input_contents has 3 entries but only 2 inputs take raw data");
    }

    [Fact]
    public void Map_TooFewRawEntries_ErrorNamesInputWithoutData()
    {
        var message = RawSimple();
        message.RawInputContents.RemoveAt(1);

        AssertError(Map(_simple, message), InferenceErrorCode.InvalidArgument, "input 'INPUT1' has no data", "1 entries");
    }

    [Fact]
    public void Map_NoContentsAndNoRaw_ErrorNamesInput()
    {
        var message = new ModelInferRequest();
        message.Inputs.Add(Tensor("INPUT0", "INT32", [1, 16]));

        AssertError(Map(_simple, message), InferenceErrorCode.InvalidArgument, "input 'INPUT0' has no data");
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void Map_TypedCountDiffersFromShape_ErrorNamesInputAndCounts(int count)
    {
        var message = new ModelInferRequest();
        var contents = new InferTensorContents();
        contents.Fp32Contents.AddRange(new float[count]);
        message.Inputs.Add(Tensor("FP32", "FP32", [3], contents));

        AssertError(Map(_typed, message), InferenceErrorCode.InvalidArgument, "input 'FP32'", $"{count} values", "3 elements");
    }

    [Fact]
    public void Map_TypedContentsInFieldOfOtherType_ErrorNamesInput()
    {
        var message = new ModelInferRequest();
        var contents = new InferTensorContents();
        contents.IntContents.AddRange([1, 2, 3]);
        message.Inputs.Add(Tensor("FP32", "FP32", [3], contents));

        AssertError(Map(_typed, message), InferenceErrorCode.InvalidArgument, "input 'FP32'", "0 values");
    }

    [Theory]
    [InlineData("FP16")]
    [InlineData("BF16")]
    public void Map_TypedHalfPrecision_RejectedAskingForRaw(string datatype)
    {
        var message = new ModelInferRequest();
        message.Inputs.Add(Tensor(datatype, datatype, [3], new InferTensorContents()));

        AssertError(Map(_typed, message), InferenceErrorCode.InvalidArgument, $"input '{datatype}'", "raw_input_contents");
    }

    [Fact]
    public void Map_RawHalfPrecision_Accepted()
    {
        var message = new ModelInferRequest();
        message.Inputs.Add(Tensor("FP16", "FP16", [3]));
        message.RawInputContents.Add(ByteString.CopyFrom(Bytes((Half)1, (Half)2, (Half)3)));

        Assert.False(Map(_typed, message).IsError);
        Assert.Equal(DataType.Fp16, _request.Inputs[0].DataType);
    }

    [Theory]
    [InlineData("FLOAT32", new long[] { 1, 16 }, "input 'INPUT0' has an invalid datatype 'FLOAT32'")]
    [InlineData("int32", new long[] { 1, 16 }, "input 'INPUT0' has an invalid datatype 'int32'")]
    [InlineData("INT32", new long[] { 1, -16 }, "input 'INPUT0' has a negative dimension")]
    [InlineData("INT32", new long[] { 1, 1, 1, 1, 1, 1, 1, 1, 16 }, "input 'INPUT0' has more than 8 dimensions")]
    [InlineData("INT32", new long[] { 1, 15 }, "unexpected shape for input 'INPUT0'")]
    [InlineData("INT64", new long[] { 1, 16 }, "inference input 'INPUT0' data-type is 'INT64'")]
    [InlineData("INT32", new long[] { 9, 16 }, "batch-size must be <= 8")]
    public void Map_BadInputHeader_ErrorNamesInput(string datatype, long[] shape, string message)
    {
        var request = new ModelInferRequest();
        request.Inputs.Add(Tensor("INPUT0", datatype, shape));
        request.RawInputContents.Add(ByteString.CopyFrom(new byte[64]));

        AssertError(Map(_simple, request), InferenceErrorCode.InvalidArgument, message);
    }

    [Fact]
    public void Map_UnknownInput_ErrorNamesInputAndModel()
    {
        var message = new ModelInferRequest();
        message.Inputs.Add(Tensor("INPUT9", "INT32", [1, 16]));
        message.RawInputContents.Add(ByteString.CopyFrom(new byte[64]));

        AssertError(Map(_simple, message), InferenceErrorCode.InvalidArgument, "unexpected inference input 'INPUT9' for model 'simple'");
    }

    [Fact]
    public void Map_TritonReservedParameter_Rejected()
    {
        var message = RawSimple();
        message.Parameters["triton_max_batch"] = new InferParameter { Int64Param = 1 };

        AssertError(Map(_simple, message), InferenceErrorCode.InvalidArgument, "parameter 'triton_max_batch' is reserved");
    }

    [Fact]
    public void Map_EmptyFinalResponseAndCustomParameters_Accepted()
    {
        var message = RawSimple();
        message.Parameters["triton_enable_empty_final_response"] = new InferParameter { BoolParam = true };
        message.Parameters["priority"] = new InferParameter { Int64Param = 1 };

        Assert.False(Map(_simple, message).IsError);
    }

    [Fact]
    public void Map_SharedMemoryInputWithoutByteSize_InvalidArgument()
    {
        var message = RawSimple();
        message.Inputs[0].Parameters["shared_memory_region"] = new InferParameter { StringParam = "region0" };

        AssertError(Map(_simple, message), InferenceErrorCode.InvalidArgument, "input 'INPUT0'", "shared_memory_byte_size");
    }

    [Fact]
    public void Map_SharedMemoryInputOfUnregisteredRegion_NotFoundNamingIt()
    {
        var message = RawSimple();
        message.RawInputContents.RemoveAt(0);
        message.Inputs[0].Parameters["shared_memory_region"] = new InferParameter { StringParam = "region0" };
        message.Inputs[0].Parameters["shared_memory_byte_size"] = new InferParameter { Int64Param = 64 };

        AssertError(Map(_simple, message), InferenceErrorCode.NotFound, "region0", "--allow-client-shm");
    }

    [Fact]
    public void Map_ClassificationOutput_SetsClassCount()
    {
        var message = RawSimple();
        var output = new ModelInferRequest.Types.InferRequestedOutputTensor { Name = "OUTPUT0" };
        output.Parameters["classification"] = new InferParameter { Int64Param = 2 };
        message.Outputs.Add(output);

        Assert.False(Map(_simple, message).IsError);
        Assert.Equal(2, _request.RequestedOutputs[0].ClassCount);
    }

    [Fact]
    public void Map_ClassificationZero_InvalidArgument()
    {
        var message = RawSimple();
        var output = new ModelInferRequest.Types.InferRequestedOutputTensor { Name = "OUTPUT0" };
        output.Parameters["classification"] = new InferParameter { Int64Param = 0 };
        message.Outputs.Add(output);

        AssertError(Map(_simple, message), InferenceErrorCode.InvalidArgument, "output 'OUTPUT0'", "classification");
    }

    [Fact]
    public void Map_ErrorAfterTypedInputPacked_BufferReturnedOnReset()
    {
        var message = new ModelInferRequest();
        var contents = new InferTensorContents();
        contents.Fp64Contents.AddRange([1.0, 2.0, 3.0]);
        message.Inputs.Add(Tensor("FP64", "FP64", [3], contents));
        message.Inputs.Add(Tensor("INT8", "INT8", [3], new InferTensorContents()));

        Assert.True(Map(_typed, message).IsError);
        Assert.Equal(1, _pool.OutstandingCount);

        _request.TryReset();
        Assert.Equal(0, _pool.OutstandingCount);
    }

    [Fact]
    public void ToByteString_Span_CopiesTheBytes()
    {
        var data = new byte[] { 1, 2, 3 };

        var copy = GrpcRequestMapper.ToByteString(data);
        data[0] = 9;

        Assert.Equal(new byte[] { 1, 2, 3 }, copy.ToByteArray());
    }
}
