using Google.Protobuf;
using Grpc.Core;
using Inference;
using InferenceServer.FunctionalTests.Infrastructure;

namespace InferenceServer.FunctionalTests.Grpc;

/// <summary>ModelInfer and ModelStreamInfer as Triton's clients use them (brief §3.4, §3.6).</summary>
[Collection(ServerCollection.Name)]
public sealed class GrpcInferTests(ServerFixture fixture)
{
    private readonly InferenceGrpcClient _grpc = fixture.Server.Grpc;

    [Fact]
    public async Task ModelInfer_RawInputs_ReturnsOneRawOutputPerOutputInOrder()
    {
        var request = SimpleRequests.Grpc(batch: 2);
        request.Id = "grpc-7";

        var response = await _grpc.ModelInferAsync(request).WithTimeout();

        Assert.Equal("simple", response.ModelName);
        Assert.Equal("1", response.ModelVersion);
        Assert.Equal("grpc-7", response.Id);
        Assert.Equal(["OUTPUT0", "OUTPUT1"], response.Outputs.Select(o => o.Name));
        Assert.All(response.Outputs, o =>
        {
            Assert.Equal("INT32", o.Datatype);
            Assert.Equal([2L, 16L], o.Shape);
            Assert.Null(o.Contents);
        });
        Assert.Equal(2, response.RawOutputContents.Count);
        var a = SimpleRequests.Input0(2);
        var b = SimpleRequests.Input1(2);
        Assert.Equal(SimpleRequests.Sum(a, b), SimpleRequests.Int32s(response.RawOutputContents[0]));
        Assert.Equal(SimpleRequests.Difference(a, b), SimpleRequests.Int32s(response.RawOutputContents[1]));
    }

    [Fact]
    public async Task ModelInfer_RequestedOutputsReversed_RawContentsFollowTheOutputs()
    {
        var request = SimpleRequests.Grpc(batch: 1);
        request.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = "OUTPUT1" });
        request.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = "OUTPUT0" });

        var response = await _grpc.ModelInferAsync(request).WithTimeout();

        Assert.Equal(["OUTPUT1", "OUTPUT0"], response.Outputs.Select(o => o.Name));
        var a = SimpleRequests.Input0(1);
        var b = SimpleRequests.Input1(1);
        Assert.Equal(SimpleRequests.Difference(a, b), SimpleRequests.Int32s(response.RawOutputContents[0]));
        Assert.Equal(SimpleRequests.Sum(a, b), SimpleRequests.Int32s(response.RawOutputContents[1]));
    }

    [Fact]
    public async Task ModelInfer_OneRequestedOutput_ReturnsOnlyThatOutput()
    {
        var request = SimpleRequests.Grpc(batch: 1);
        request.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = "OUTPUT1" });

        var response = await _grpc.ModelInferAsync(request).WithTimeout();

        Assert.Equal("OUTPUT1", Assert.Single(response.Outputs).Name);
        Assert.Single(response.RawOutputContents);
    }

    [Fact]
    public async Task ModelInfer_TypedInt32Contents_ReturnsRawOutputs()
    {
        var a = SimpleRequests.Input0(1);
        var b = SimpleRequests.Input1(1);
        var request = new ModelInferRequest { ModelName = "simple" };
        foreach (var (name, values) in new[] { ("INPUT0", a), ("INPUT1", b) })
        {
            var input = SimpleRequests.GrpcInput(name, "INT32", [1, 16]);
            input.Contents = new InferTensorContents();
            input.Contents.IntContents.Add(values);
            request.Inputs.Add(input);
        }

        var response = await _grpc.ModelInferAsync(request).WithTimeout();

        Assert.Equal(SimpleRequests.Sum(a, b), SimpleRequests.Int32s(response.RawOutputContents[0]));
        Assert.Equal(SimpleRequests.Difference(a, b), SimpleRequests.Int32s(response.RawOutputContents[1]));
    }

    [Fact]
    public async Task ModelStreamInfer_SeveralRequestsOneBad_ErrorInStreamAndStreamContinues()
    {
        using var call = _grpc.ModelStreamInfer();
        var requests = new[]
        {
            WithId(SimpleRequests.Grpc(batch: 1, seed: 0), "first"),
            WithId(SimpleRequests.Grpc(batch: 1, seed: 10), "second"),
            WithId(SimpleRequests.GrpcWrongShape(), "bad"),
            WithId(SimpleRequests.Grpc(batch: 2, seed: 20), "fourth"),
        };

        var responses = new List<ModelStreamInferResponse>();
        foreach (var request in requests)
        {
            // One at a time: each request's answer arrives before the next is sent, so responses line up.
            await call.RequestStream.WriteAsync(request).WithTimeout();
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).WithTimeout());
            responses.Add(call.ResponseStream.Current);
        }

        await call.RequestStream.CompleteAsync().WithTimeout();
        Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None).WithTimeout());
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);

        Assert.Equal(["first", "second", "bad", "fourth"], responses.Select(r => r.InferResponse.Id));
        foreach (var (response, seed, batch) in new[] { (responses[0], 0, 1), (responses[1], 10, 1), (responses[3], 20, 2) })
        {
            Assert.Empty(response.ErrorMessage);
            var a = SimpleRequests.Input0(batch, seed);
            var b = SimpleRequests.Input1(batch, seed);
            Assert.Equal(SimpleRequests.Sum(a, b), SimpleRequests.Int32s(response.InferResponse.RawOutputContents[0]));
            Assert.Equal(SimpleRequests.Difference(a, b), SimpleRequests.Int32s(response.InferResponse.RawOutputContents[1]));
            Assert.True(response.InferResponse.Parameters["triton_final_response"].BoolParam);
        }

        Assert.Contains("INPUT0", responses[2].ErrorMessage, StringComparison.Ordinal);
        Assert.Empty(responses[2].InferResponse.Outputs);
    }

    [Fact]
    public async Task ModelStreamInfer_UnknownModel_ErrorInStreamNamingTheModel()
    {
        using var call = _grpc.ModelStreamInfer();

        await call.RequestStream.WriteAsync(WithId(SimpleRequests.Grpc(batch: 1, model: "no_such_model"), "lost")).WithTimeout();
        await call.RequestStream.WriteAsync(WithId(SimpleRequests.Grpc(batch: 1), "found")).WithTimeout();
        await call.RequestStream.CompleteAsync().WithTimeout();

        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).WithTimeout());
        var lost = call.ResponseStream.Current;
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).WithTimeout());
        var found = call.ResponseStream.Current;
        Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None).WithTimeout());

        Assert.Equal("lost", lost.InferResponse.Id);
        Assert.Contains("no_such_model", lost.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal("found", found.InferResponse.Id);
        Assert.Empty(found.ErrorMessage);
    }

    [Fact]
    public async Task ModelInfer_MessagesAboveFourMegabytes_PassBothWays()
    {
        // ASP.NET Core's default receive limit is 4 MB; Triton's clients send and expect up to 2 GB.
        const int Elements = 3 << 20;
        var values = Enumerable.Range(0, Elements).Select(i => (float)i).ToArray();
        var request = new ModelInferRequest { ModelName = TensorCase.IdentityModelName("FP32") };
        request.Inputs.Add(SimpleRequests.GrpcInput("INPUT0", "FP32", [1, Elements]));
        request.RawInputContents.Add(ByteString.CopyFrom(TensorCase.Pack(values)));

        var response = await _grpc.ModelInferAsync(request).WithTimeout();

        Assert.Equal(Elements * 4, response.RawOutputContents[0].Length);
        Assert.Equal(request.RawInputContents[0], response.RawOutputContents[0]);
    }

    [Fact]
    public async Task ModelStreamInfer_RequestsWrittenBeforeReading_AllAnswered()
    {
        using var call = _grpc.ModelStreamInfer();
        const int Count = 10;
        for (var i = 0; i < Count; i++)
        {
            await call.RequestStream.WriteAsync(WithId(SimpleRequests.Grpc(batch: 1, seed: i), i.ToString(System.Globalization.CultureInfo.InvariantCulture))).WithTimeout();
        }

        await call.RequestStream.CompleteAsync().WithTimeout();
        var seen = new HashSet<string>();
        while (await call.ResponseStream.MoveNext(CancellationToken.None).WithTimeout())
        {
            var response = call.ResponseStream.Current;
            Assert.Empty(response.ErrorMessage);
            var seed = int.Parse(response.InferResponse.Id, System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(SimpleRequests.Sum(SimpleRequests.Input0(1, seed), SimpleRequests.Input1(1, seed)), SimpleRequests.Int32s(response.InferResponse.RawOutputContents[0]));
            Assert.True(seen.Add(response.InferResponse.Id));
        }

        Assert.Equal(Count, seen.Count);
    }

    [Fact]
    public async Task ModelInfer_SimpleString_ReturnsDecimalSumAndDifference()
    {
        var a = Enumerable.Range(0, 16).ToArray();
        var b = Enumerable.Repeat(1, 16).ToArray();
        var request = new ModelInferRequest { ModelName = "simple_string" };
        request.Inputs.Add(SimpleRequests.GrpcInput("INPUT0", "BYTES", [1, 16]));
        request.Inputs.Add(SimpleRequests.GrpcInput("INPUT1", "BYTES", [1, 16]));
        request.RawInputContents.Add(ByteString.CopyFrom(TensorCase.LengthPrefixed(a.Select(Decimal).ToArray())));
        request.RawInputContents.Add(ByteString.CopyFrom(TensorCase.LengthPrefixed(b.Select(Decimal).ToArray())));

        var response = await _grpc.ModelInferAsync(request).WithTimeout();

        Assert.Equal(["OUTPUT0", "OUTPUT1"], response.Outputs.Select(o => o.Name));
        Assert.All(response.Outputs, o => Assert.Equal("BYTES", o.Datatype));
        Assert.Equal(SimpleRequests.Sum(a, b).Select(Decimal), Strings(response.RawOutputContents[0]));
        Assert.Equal(SimpleRequests.Difference(a, b).Select(Decimal), Strings(response.RawOutputContents[1]));
    }

    [Fact]
    public async Task ModelInfer_SimpleStringTypedContents_ReturnsDecimalSumAndDifference()
    {
        var a = Enumerable.Range(0, 16).ToArray();
        var b = Enumerable.Repeat(1, 16).ToArray();
        var request = new ModelInferRequest { ModelName = "simple_string" };
        foreach (var (name, values) in new[] { ("INPUT0", a), ("INPUT1", b) })
        {
            var input = SimpleRequests.GrpcInput(name, "BYTES", [1, 16]);
            input.Contents = new InferTensorContents();
            input.Contents.BytesContents.Add(values.Select(v => ByteString.CopyFromUtf8(Decimal(v))));
            request.Inputs.Add(input);
        }

        var response = await _grpc.ModelInferAsync(request).WithTimeout();

        Assert.Equal(SimpleRequests.Sum(a, b).Select(Decimal), Strings(response.RawOutputContents[0]));
        Assert.Equal(SimpleRequests.Difference(a, b).Select(Decimal), Strings(response.RawOutputContents[1]));
    }

    [Fact]
    public async Task ModelInfer_SimpleIdentity_ReturnsTheStrings()
    {
        var raw = TensorCase.LengthPrefixed("hello", "", "triton");
        var request = new ModelInferRequest { ModelName = "simple_identity" };
        request.Inputs.Add(SimpleRequests.GrpcInput("INPUT0", "BYTES", [1, 3]));
        request.RawInputContents.Add(ByteString.CopyFrom(raw));

        var response = await _grpc.ModelInferAsync(request).WithTimeout();

        Assert.Equal([1L, 3L], Assert.Single(response.Outputs).Shape);
        Assert.Equal(raw, response.RawOutputContents.Single().ToByteArray());
    }

    [Fact]
    public async Task ModelInfer_FraudDetector_ReturnsProbabilitiesPerRow()
    {
        var features = Enumerable.Range(0, 4 * 30).Select(i => (float)Math.Sin(i)).ToArray();
        var request = new ModelInferRequest { ModelName = "fraud_detector" };
        request.Inputs.Add(SimpleRequests.GrpcInput("features", "FP32", [4, 30]));
        request.RawInputContents.Add(ByteString.CopyFrom(TensorCase.Pack(features)));

        var response = await _grpc.ModelInferAsync(request).WithTimeout();

        Assert.Equal([4L, 2L], Assert.Single(response.Outputs).Shape);
        var probabilities = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(response.RawOutputContents[0].Span).ToArray();
        for (var row = 0; row < 4; row++)
        {
            Assert.Equal(1f, probabilities[row * 2] + probabilities[(row * 2) + 1], 4);
        }
    }

    private static ModelInferRequest WithId(ModelInferRequest request, string id)
    {
        request.Id = id;
        return request;
    }

    private static string Decimal(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string[] Strings(ByteString raw) => TensorCase.SplitBytes(raw.Span).Select(System.Text.Encoding.UTF8.GetString).ToArray();
}
