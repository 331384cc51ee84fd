using System.Buffers;
using Google.Protobuf;
using Grpc.Core;
using Inference;
using InferenceServer.Client;
using InferenceServer.Client.Grpc;
using InferenceServer.FunctionalTests.Infrastructure;

namespace InferenceServer.FunctionalTests.Client;

/// <summary>
/// The gRPC client's own marshallers in memory, checked against the protocol's generated messages (the server's
/// public types): a request is a valid ModelInferRequest with every input's bytes in <c>raw_input_contents</c> and the
/// routing key as the <c>routing_key</c> parameter; a response sent as typed <c>contents</c> (as some servers do) reads
/// the same as raw bytes; a stream's error message is a per-request error.
/// </summary>
public sealed class GrpcWireTests
{
    [Fact]
    public async Task Request_IsAModelInferRequestWithRawContents()
    {
        var invoker = new WireInvoker(_ => new ModelInferResponse { ModelName = "m", ModelVersion = "1" });
        using var client = new GrpcInferenceClient(invoker);
        using var request = new InferRequest("m", "3")
            .AddInput("A", new int[] { 1, 2, 3 }, 1, 3)
            .AddInput("S", new[] { "x", "yz" }, 2)
            .AddOutput("OUT")
            .SetParameter("sequence_id", 42L)
            .SetParameter("sequence_start", true);
        request.Id = "id-1";
        request.RoutingKey = "user-9";

        using var result = await client.InferAsync(request).WithTimeout();

        var sent = ModelInferRequest.Parser.ParseFrom(invoker.LastRequest);
        Assert.Equal(("m", "3", "id-1"), (sent.ModelName, sent.ModelVersion, sent.Id));
        Assert.Equal(["A", "S"], sent.Inputs.Select(i => i.Name));
        Assert.Equal([1L, 3L], sent.Inputs[0].Shape);
        Assert.Equal("BYTES", sent.Inputs[1].Datatype);
        Assert.Equal(TensorCase.Pack(1, 2, 3), sent.RawInputContents[0].ToByteArray());
        Assert.Equal(TensorCase.LengthPrefixed("x", "yz"), sent.RawInputContents[1].ToByteArray());
        Assert.Equal("OUT", Assert.Single(sent.Outputs).Name);
        Assert.Equal(42, sent.Parameters["sequence_id"].Int64Param);
        Assert.True(sent.Parameters["sequence_start"].BoolParam);
        Assert.Equal("user-9", sent.Parameters["routing_key"].StringParam);

        // Sent again unchanged: the same bytes (the described header is reused).
        using (await client.InferAsync(request).WithTimeout())
        {
        }

        Assert.Equal(sent, ModelInferRequest.Parser.ParseFrom(invoker.LastRequest));
    }

    [Theory]
    [MemberData(nameof(TensorCases.TypedDatatypes), MemberType = typeof(TensorCases))]
    public async Task TypedContentsResponse_ReadsAsRawBytes(string datatype)
    {
        var tensorCase = TensorCases.Get(datatype);
        var invoker = new WireInvoker(_ =>
        {
            var response = new ModelInferResponse { ModelName = "m", ModelVersion = "1" };
            var output = new ModelInferResponse.Types.InferOutputTensor { Name = "OUTPUT0", Datatype = datatype, Contents = tensorCase.ToContents() };
            output.Shape.Add(TensorCase.Shape);
            response.Outputs.Add(output);
            return response;
        });
        using var client = new GrpcInferenceClient(invoker);

        using var result = await client.InferAsync(new InferRequest("m").AddInput("X", new int[] { 0 }, 1)).WithTimeout();

        Assert.Equal(tensorCase.Raw, result.GetOutputBytes("OUTPUT0").ToArray());
        Assert.Equal(TensorCase.Shape, result.GetOutputInfo("OUTPUT0").Shape);
    }

    [Fact]
    public async Task RawResponse_OutputsAreSlicesInOrder()
    {
        var invoker = new WireInvoker(_ =>
        {
            var response = new ModelInferResponse { ModelName = "m", ModelVersion = "7", Id = "r" };
            foreach (var name in new[] { "B", "A" })
            {
                var output = new ModelInferResponse.Types.InferOutputTensor { Name = name, Datatype = "FP32" };
                output.Shape.Add(2);
                response.Outputs.Add(output);
            }

            response.RawOutputContents.Add(ByteString.CopyFrom(TensorCase.Pack(1f, 2f)));
            response.RawOutputContents.Add(ByteString.CopyFrom(TensorCase.Pack(3f, 4f)));
            return response;
        });
        using var client = new GrpcInferenceClient(invoker);

        using var result = await client.InferAsync(new InferRequest("m").AddInput("X", new int[] { 0 }, 1)).WithTimeout();

        Assert.Equal(("m", "7", "r"), (result.ModelName, result.ModelVersion, result.Id));
        Assert.Equal([1f, 2f], result.GetOutput<float>("B").ToArray());
        Assert.Equal([3f, 4f], result.GetOutput<float>("A").ToArray());
    }

    /// <summary>
    /// A call invoker that runs the method's own marshallers: it serializes the request as the transport would, keeps
    /// the bytes, and deserializes the message <paramref name="answer"/> builds as the response.
    /// </summary>
    private sealed class WireInvoker(Func<byte[], ModelInferResponse> answer) : CallInvoker
    {
        public byte[] LastRequest { get; private set; } = [];

        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
        {
            var serialization = new BufferSerializationContext();
            method.RequestMarshaller.ContextualSerializer(request, serialization);
            LastRequest = serialization.Written;
            var response = method.ResponseMarshaller.ContextualDeserializer(new BytesDeserializationContext(answer(LastRequest).ToByteArray()));
            return new AsyncUnaryCall<TResponse>(Task.FromResult(response), Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
        }

        public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) => throw new NotSupportedException();

        public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) => throw new NotSupportedException();

        public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) => throw new NotSupportedException();

        public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) => throw new NotSupportedException();
    }

    private sealed class BufferSerializationContext : SerializationContext
    {
        private readonly ArrayBufferWriter<byte> _buffer = new();
        private int _declared = -1;

        public byte[] Written { get; private set; } = [];

        public override void SetPayloadLength(int payloadLength) => _declared = payloadLength;

        public override IBufferWriter<byte> GetBufferWriter() => _buffer;

        public override void Complete()
        {
            Written = _buffer.WrittenSpan.ToArray();
            Assert.Equal(_declared, Written.Length);
        }

        public override void Complete(byte[] payload) => Written = payload;
    }

    private sealed class BytesDeserializationContext(byte[] payload) : DeserializationContext
    {
        public override int PayloadLength => payload.Length;

        public override byte[] PayloadAsNewBuffer() => (byte[])payload.Clone();

        public override ReadOnlySequence<byte> PayloadAsReadOnlySequence() => new(payload);
    }
}
