using Google.Protobuf;
using Grpc.Core;
using Inference;
using InferenceServer.FunctionalTests.Infrastructure;

namespace InferenceServer.FunctionalTests.Grpc;

/// <summary>Invalid gRPC inference requests: the mapped status code and a message naming the tensor or field.</summary>
[Collection(ServerCollection.Name)]
public sealed class GrpcBadRequestTests(ServerFixture fixture)
{
    private readonly InferenceGrpcClient _grpc = fixture.Server.Grpc;

    [Fact]
    public async Task ModelInfer_UnknownInputName_ReturnsInvalidArgumentNamingTheInput()
    {
        var request = SimpleRequests.Grpc(batch: 1);
        request.Inputs[1].Name = "INPUT9";

        var error = await InferErrorAsync(request, StatusCode.InvalidArgument);

        Assert.Contains("INPUT9", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelInfer_MissingInput_ReturnsInvalidArgumentNamingTheMissingInput()
    {
        var request = SimpleRequests.Grpc(batch: 1);
        request.Inputs.RemoveAt(1);
        request.RawInputContents.RemoveAt(1);

        var error = await InferErrorAsync(request, StatusCode.InvalidArgument);

        Assert.Contains("INPUT1", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelInfer_WrongDatatype_ReturnsInvalidArgumentNamingInputAndTypes()
    {
        var request = SimpleRequests.Grpc(batch: 1);
        request.Inputs[0].Datatype = "FP32";

        var error = await InferErrorAsync(request, StatusCode.InvalidArgument);

        Assert.Contains("INPUT0", error, StringComparison.Ordinal);
        Assert.Contains("FP32", error, StringComparison.Ordinal);
        Assert.Contains("INT32", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelInfer_UnknownDatatypeName_ReturnsInvalidArgumentNamingTheDatatype()
    {
        var request = SimpleRequests.Grpc(batch: 1);
        request.Inputs[0].Datatype = "FLOAT";

        var error = await InferErrorAsync(request, StatusCode.InvalidArgument);

        Assert.Contains("FLOAT", error, StringComparison.Ordinal);
        Assert.Contains("INPUT0", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelInfer_ShapeNotMatchingConfig_ReturnsInvalidArgumentNamingTheInput()
    {
        var error = await InferErrorAsync(SimpleRequests.GrpcWrongShape(), StatusCode.InvalidArgument);

        Assert.Contains("INPUT0", error, StringComparison.Ordinal);
        Assert.Contains("shape", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelInfer_RawEntrySizeNotMatchingShape_ReturnsInvalidArgumentNamingInputAndSizes()
    {
        var request = SimpleRequests.Grpc(batch: 1);
        request.RawInputContents[1] = ByteString.CopyFrom(new byte[48]);

        var error = await InferErrorAsync(request, StatusCode.InvalidArgument);

        Assert.Contains("INPUT1", error, StringComparison.Ordinal);
        Assert.Contains("64", error, StringComparison.Ordinal);
        Assert.Contains("48", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelInfer_TypedContentsCountNotMatchingShape_ReturnsInvalidArgumentNamingTheInput()
    {
        var request = new ModelInferRequest { ModelName = "simple" };
        foreach (var name in new[] { "INPUT0", "INPUT1" })
        {
            var input = SimpleRequests.GrpcInput(name, "INT32", [1, 16]);
            input.Contents = new InferTensorContents();
            input.Contents.IntContents.Add(Enumerable.Range(0, name == "INPUT0" ? 16 : 10));
            request.Inputs.Add(input);
        }

        var error = await InferErrorAsync(request, StatusCode.InvalidArgument);

        Assert.Contains("INPUT1", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelInfer_TypedAndRawMixed_ReturnsInvalidArgumentNamingTheInput()
    {
        var request = SimpleRequests.Grpc(batch: 1);
        request.RawInputContents.RemoveAt(1);
        request.Inputs[1].Contents = new InferTensorContents();
        request.Inputs[1].Contents.IntContents.Add(SimpleRequests.Input1(1));

        var error = await InferErrorAsync(request, StatusCode.InvalidArgument);

        Assert.Contains("INPUT1", error, StringComparison.Ordinal);
        Assert.Contains("raw_input_contents", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelInfer_ExtraRawEntry_ReturnsInvalidArgumentNamingRawContents()
    {
        var request = SimpleRequests.Grpc(batch: 1);
        request.RawInputContents.Add(ByteString.CopyFrom(new byte[64]));

        var error = await InferErrorAsync(request, StatusCode.InvalidArgument);

        Assert.Contains("raw_input_contents", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelInfer_HalfPrecisionTypedContents_ReturnsInvalidArgumentNamingTheDatatype()
    {
        var input = SimpleRequests.GrpcInput("INPUT0", "FP16", [1, 2]);
        input.Contents = new InferTensorContents();
        input.Contents.Fp32Contents.Add([1f, 2f]);
        var request = new ModelInferRequest { ModelName = TensorCase.IdentityModelName("FP16") };
        request.Inputs.Add(input);

        var error = await InferErrorAsync(request, StatusCode.InvalidArgument);

        Assert.Contains("FP16", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelInfer_BatchAboveMaxBatchSize_ReturnsInvalidArgumentNamingTheLimit()
    {
        var error = await InferErrorAsync(SimpleRequests.Grpc(batch: 9), StatusCode.InvalidArgument);

        Assert.Contains("batch-size", error, StringComparison.Ordinal);
        Assert.Contains("8", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelInfer_UnknownOutput_ReturnsInvalidArgumentNamingTheOutput()
    {
        var request = SimpleRequests.Grpc(batch: 1);
        request.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = "OUTPUT7" });

        var error = await InferErrorAsync(request, StatusCode.InvalidArgument);

        Assert.Contains("OUTPUT7", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelInfer_SharedMemoryInputWithoutByteSize_ReturnsInvalidArgument()
    {
        var request = SimpleRequests.Grpc(batch: 1);
        request.Inputs[0].Parameters["shared_memory_region"] = new InferParameter { StringParam = "region" };

        var error = await InferErrorAsync(request, StatusCode.InvalidArgument);

        Assert.Contains("INPUT0", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelInfer_UnknownModel_ReturnsNotFoundNamingTheModel()
    {
        var error = await InferErrorAsync(SimpleRequests.Grpc(batch: 1, model: "no_such_model"), StatusCode.NotFound);

        Assert.Contains("no_such_model", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelInfer_UnknownVersion_ReturnsNotFoundNamingTheVersion()
    {
        var request = SimpleRequests.Grpc(batch: 1);
        request.ModelVersion = "7";

        var error = await InferErrorAsync(request, StatusCode.NotFound);

        Assert.Contains("7", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("latest")]
    [InlineData("-1")]
    [InlineData("1.0")]
    public async Task ModelInfer_NonNumericVersion_ReturnsInvalidArgumentNamingTheVersion(string version)
    {
        var request = SimpleRequests.Grpc(batch: 1);
        request.ModelVersion = version;

        var error = await InferErrorAsync(request, StatusCode.InvalidArgument);

        Assert.Contains(version, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelMetadata_NonNumericVersion_ReturnsInvalidArgument()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _grpc.ModelMetadataAsync("simple", "one").WithTimeout());

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("one", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelConfig_UnknownModel_ReturnsNotFound()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _grpc.ModelConfigAsync("no_such_model").WithTimeout());

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    private async Task<string> InferErrorAsync(ModelInferRequest request, StatusCode status)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _grpc.ModelInferAsync(request).WithTimeout());
        Assert.True(error.StatusCode == status, $"expected {status}, got {error.StatusCode}: {error.Status.Detail}");
        return error.Status.Detail;
    }
}
