using System.Net;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Inference;
using InferenceServer.FunctionalTests.Infrastructure;

namespace InferenceServer.FunctionalTests.DataTypes;

/// <summary>
/// Every protocol datatype through an identity model (auto-completed, [-1,-1]) in every form the protocols
/// allow: HTTP JSON, HTTP binary, gRPC raw_input_contents and gRPC typed contents. The answer must be the
/// request's bytes, unchanged.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class DataTypeRoundTripTests(ServerFixture fixture)
{
    private readonly TestServer _server = fixture.Server;

    [Theory]
    [MemberData(nameof(TensorCases.JsonDatatypes), MemberType = typeof(TensorCases))]
    public async Task HttpJson_Datatype_RoundTrips(string datatype)
    {
        var tensor = TensorCases.Get(datatype);
        var body = new JsonObject { ["inputs"] = new JsonArray(HttpInfer.Input("INPUT0", datatype, TensorCase.Shape, tensor.ToJson())) };

        using var response = await HttpInfer.PostAsync(_server.Http, tensor.ModelName, HttpInfer.Json(body));
        var result = await HttpInfer.ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, result.Status);
        var output = result.Output("OUTPUT0");
        Assert.Equal(datatype, output["datatype"]!.GetValue<string>());
        Assert.Equal(TensorCase.Shape, output["shape"]!.AsArray().Select(d => d!.GetValue<long>()));
        Assert.Equal(tensor.Raw, tensor.FromJson(output["data"]!.AsArray()));
    }

    // Triton takes FP16 and BF16 as binary data only; this server also reads them from JSON numbers (which it already
    // writes for them), so a client that sends NaN or Infinity in half precision is not refused.
    [Theory]
    [InlineData("FP16")]
    [InlineData("BF16")]
    public async Task HttpJson_HalfPrecisionData_RoundTripsAsNumbers(string datatype)
    {
        var body = new JsonObject
        {
            ["inputs"] = new JsonArray(HttpInfer.Input("INPUT0", datatype, TensorCase.Shape, [1, 2, 3, 4, 5, 6])),
        };

        using var response = await HttpInfer.PostAsync(_server.Http, TensorCase.IdentityModelName(datatype), HttpInfer.Json(body));
        var result = await HttpInfer.ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, result.Status);
        var output = result.Output("OUTPUT0");
        Assert.Equal(datatype, output["datatype"]!.GetValue<string>());
        Assert.Equal([1.0, 2, 3, 4, 5, 6], output["data"]!.AsArray().Select(v => v!.GetValue<double>()));
    }

    [Theory]
    [MemberData(nameof(TensorCases.AllDatatypes), MemberType = typeof(TensorCases))]
    public async Task HttpBinary_Datatype_RoundTrips(string datatype)
    {
        var tensor = TensorCases.Get(datatype);
        var header = new JsonObject
        {
            ["inputs"] = new JsonArray(HttpInfer.BinaryInput("INPUT0", datatype, TensorCase.Shape, tensor.Raw.Length)),
            ["outputs"] = new JsonArray(HttpInfer.Output("OUTPUT0", binary: true)),
        };

        using var response = await HttpInfer.PostAsync(_server.Http, tensor.ModelName, HttpInfer.Binary(header, tensor.Raw));
        var result = await HttpInfer.ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, result.Status);
        var output = result.Output("OUTPUT0");
        Assert.Equal(datatype, output["datatype"]!.GetValue<string>());
        Assert.Equal(TensorCase.Shape, output["shape"]!.AsArray().Select(d => d!.GetValue<long>()));
        Assert.Equal(tensor.Raw, result.Binary["OUTPUT0"]);
    }

    [Theory]
    [MemberData(nameof(TensorCases.AllDatatypes), MemberType = typeof(TensorCases))]
    public async Task GrpcRaw_Datatype_RoundTrips(string datatype)
    {
        var tensor = TensorCases.Get(datatype);
        var request = new ModelInferRequest { ModelName = tensor.ModelName };
        request.Inputs.Add(SimpleRequests.GrpcInput("INPUT0", datatype, TensorCase.Shape));
        request.RawInputContents.Add(ByteString.CopyFrom(tensor.Raw));

        var response = await _server.Grpc.ModelInferAsync(request).WithTimeout();

        AssertRawOutput(response, tensor);
    }

    [Theory]
    [MemberData(nameof(TensorCases.TypedDatatypes), MemberType = typeof(TensorCases))]
    public async Task GrpcTyped_Datatype_RoundTripsIntoRawOutput(string datatype)
    {
        var tensor = TensorCases.Get(datatype);
        var input = SimpleRequests.GrpcInput("INPUT0", datatype, TensorCase.Shape);
        input.Contents = tensor.ToContents();
        var request = new ModelInferRequest { ModelName = tensor.ModelName };
        request.Inputs.Add(input);

        var response = await _server.Grpc.ModelInferAsync(request).WithTimeout();

        AssertRawOutput(response, tensor);
    }

    [Fact]
    public async Task HttpBinary_NonUtf8Bytes_RoundTripExactly()
    {
        var raw = TensorCase.LengthPrefixed([0xFF, 0xFE, 0x00, 0x80], [], [0xC3, 0x28], [0x00]);
        var header = new JsonObject
        {
            ["inputs"] = new JsonArray(HttpInfer.BinaryInput("INPUT0", "BYTES", [1, 4], raw.Length)),
            ["outputs"] = new JsonArray(HttpInfer.Output("OUTPUT0", binary: true)),
        };

        using var response = await HttpInfer.PostAsync(_server.Http, "simple_identity", HttpInfer.Binary(header, raw));
        var result = await HttpInfer.ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.Equal(raw, result.Binary["OUTPUT0"]);
    }

    [Fact]
    public async Task GrpcRaw_NonUtf8Bytes_RoundTripExactly()
    {
        var raw = TensorCase.LengthPrefixed([0xFF, 0xFE, 0x00, 0x80], [], [0xC3, 0x28], [0x00]);
        var request = new ModelInferRequest { ModelName = "simple_identity" };
        request.Inputs.Add(SimpleRequests.GrpcInput("INPUT0", "BYTES", [1, 4]));
        request.RawInputContents.Add(ByteString.CopyFrom(raw));

        var response = await _server.Grpc.ModelInferAsync(request).WithTimeout();

        Assert.Equal(raw, response.RawOutputContents.Single().ToByteArray());
    }

    [Fact]
    public async Task GrpcTyped_NonUtf8BytesContents_ComeBackLengthPrefixed()
    {
        byte[][] elements = [[0xFF, 0x00], [0x80, 0x81, 0x82]];
        var input = SimpleRequests.GrpcInput("INPUT0", "BYTES", [1, 2]);
        input.Contents = new InferTensorContents();
        input.Contents.BytesContents.Add(elements.Select(ByteString.CopyFrom));
        var request = new ModelInferRequest { ModelName = "simple_identity" };
        request.Inputs.Add(input);

        var response = await _server.Grpc.ModelInferAsync(request).WithTimeout();

        Assert.Equal(TensorCase.LengthPrefixed(elements), response.RawOutputContents.Single().ToByteArray());
    }

    [Fact]
    public async Task HttpJson_BytesWithEscapes_RoundTrip()
    {
        var body = new JsonObject
        {
            ["inputs"] = new JsonArray(HttpInfer.Input("INPUT0", "BYTES", [1, 3], ["tab\there", "newline\n", "\u00e9\u4e2d"])),
        };

        using var response = await HttpInfer.PostAsync(_server.Http, "simple_identity", HttpInfer.Json(body));
        var result = await HttpInfer.ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.Equal(["tab\there", "newline\n", "\u00e9\u4e2d"], result.Output("OUTPUT0")["data"]!.AsArray().Select(v => v!.GetValue<string>()));
    }

    [Fact]
    public async Task HttpJson_ZeroSizeTensor_ReturnsEmptyData()
    {
        var body = new JsonObject { ["inputs"] = new JsonArray(HttpInfer.Input("INPUT0", "FP32", [2, 0], [])) };

        using var response = await HttpInfer.PostAsync(_server.Http, TensorCase.IdentityModelName("FP32"), HttpInfer.Json(body));
        var result = await HttpInfer.ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, result.Status);
        var output = result.Output("OUTPUT0");
        Assert.Equal([2L, 0L], output["shape"]!.AsArray().Select(d => d!.GetValue<long>()));
        Assert.Empty(output["data"]!.AsArray());
    }

    [Fact]
    public async Task GrpcRaw_ZeroSizeTensor_ReturnsEmptyRawEntry()
    {
        var request = new ModelInferRequest { ModelName = TensorCase.IdentityModelName("INT32") };
        request.Inputs.Add(SimpleRequests.GrpcInput("INPUT0", "INT32", [1, 0]));
        request.RawInputContents.Add(ByteString.Empty);

        var response = await _server.Grpc.ModelInferAsync(request).WithTimeout();

        Assert.Equal([1L, 0L], Assert.Single(response.Outputs).Shape);
        Assert.True(Assert.Single(response.RawOutputContents).IsEmpty);
    }

    [Fact]
    public async Task HttpBinary_ZeroSizeTensor_ReturnsZeroSizeBlob()
    {
        var header = new JsonObject
        {
            ["inputs"] = new JsonArray(HttpInfer.BinaryInput("INPUT0", "FP16", [3, 0], 0)),
            ["outputs"] = new JsonArray(HttpInfer.Output("OUTPUT0", binary: true)),
        };

        using var response = await HttpInfer.PostAsync(_server.Http, TensorCase.IdentityModelName("FP16"), HttpInfer.Binary(header));
        var result = await HttpInfer.ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.Equal(0, result.Output("OUTPUT0")["parameters"]!["binary_data_size"]!.GetValue<int>());
        Assert.Empty(result.Binary["OUTPUT0"]);
    }

    private static void AssertRawOutput(ModelInferResponse response, TensorCase tensor)
    {
        Assert.Equal(tensor.ModelName, response.ModelName);
        var output = Assert.Single(response.Outputs);
        Assert.Equal("OUTPUT0", output.Name);
        Assert.Equal(tensor.Datatype, output.Datatype);
        Assert.Equal(TensorCase.Shape, output.Shape);
        Assert.Null(output.Contents);
        Assert.Equal(tensor.Raw, Assert.Single(response.RawOutputContents).ToByteArray());
    }
}
