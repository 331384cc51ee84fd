using Google.Protobuf;
using Grpc.Core;
using Inference;

namespace InferenceServer.LoadTool.Server;

/// <summary>
/// The <c>inference.GRPCInferenceService</c> calls the tool makes, described against their wire names. ModelInfer
/// takes an already-serialized request (built once per input set) and does not parse the answer: the tool
/// counts and times responses, so decoding outputs would only spend the client's CPU.
/// </summary>
internal static class GrpcMethods
{
    private const string Service = "inference.GRPCInferenceService";

    public static readonly Method<ModelMetadataRequest, ModelMetadataResponse> ModelMetadata = Unary("ModelMetadata", ModelMetadataRequest.Parser, ModelMetadataResponse.Parser);

    public static readonly Method<ModelConfigRequest, ModelConfigResponse> ModelConfig = Unary("ModelConfig", ModelConfigRequest.Parser, ModelConfigResponse.Parser);

    public static readonly Method<ModelStatisticsRequest, ModelStatisticsResponse> ModelStatistics = Unary("ModelStatistics", ModelStatisticsRequest.Parser, ModelStatisticsResponse.Parser);

    public static readonly Method<SerializedRequest, DiscardedResponse> ModelInfer = new(
        MethodType.Unary,
        Service,
        "ModelInfer",
        Marshallers.Create<SerializedRequest>((request, context) => context.Complete(request.Bytes), _ => throw new NotSupportedException("requests are only sent")),
        Marshallers.Create<DiscardedResponse>((_, _) => throw new NotSupportedException("responses are only read"), _ => DiscardedResponse.Instance));

    private static Method<TRequest, TResponse> Unary<TRequest, TResponse>(string name, MessageParser<TRequest> request, MessageParser<TResponse> response)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
        => new(MethodType.Unary, Service, name, Marshal(request), Marshal(response));

    private static Marshaller<T> Marshal<T>(MessageParser<T> parser)
        where T : class, IMessage<T>
        => Marshallers.Create(message => message.ToByteArray(), parser.ParseFrom);
}

/// <summary>A ModelInferRequest already in wire form.</summary>
internal sealed class SerializedRequest(byte[] bytes)
{
    public byte[] Bytes { get; } = bytes;
}

/// <summary>A ModelInfer response that arrived whole and was not decoded.</summary>
internal sealed class DiscardedResponse
{
    public static readonly DiscardedResponse Instance = new();
}
