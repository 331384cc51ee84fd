using Grpc.Core;

namespace InferenceServer.Client.Grpc;

/// <summary>
/// ModelInfer and ModelStreamInfer described against their wire names with the client's own marshallers: requests
/// are written from the caller's tensor memory, responses read into pooled buffers (no protobuf ByteString copies).
/// </summary>
internal static class GrpcInferMethods
{
    public const string Service = "inference.GRPCInferenceService";

    private static readonly Marshaller<InferRequest> RequestMarshaller = Marshallers.Create<InferRequest>(
        InferRequestSerializer.Serialize, static _ => throw new NotSupportedException("the client never reads a request"));

    public static readonly Method<InferRequest, InferResult> ModelInfer = new(
        MethodType.Unary, Service, "ModelInfer", RequestMarshaller,
        Marshallers.Create<InferResult>(static (_, _) => throw new NotSupportedException("the client never writes a response"), InferResponseParser.Deserialize));

    public static readonly Method<InferRequest, StreamInferResponse> ModelStreamInfer = new(
        MethodType.DuplexStreaming, Service, "ModelStreamInfer", RequestMarshaller,
        Marshallers.Create<StreamInferResponse>(static (_, _) => throw new NotSupportedException("the client never writes a response"), InferResponseParser.DeserializeStream));
}
