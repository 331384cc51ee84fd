using Google.Protobuf;
using Inference;
using InferenceServer.FuzzTargets.Seeds;
using InferenceServer.Protocols.Grpc;

namespace InferenceServer.FuzzTargets.Targets;

/// <summary>
/// The gRPC request mapping: the input is a serialised <c>ModelInferRequest</c>. Protobuf's own
/// <see cref="InvalidProtocolBufferException"/> is the documented outcome of bytes that are not one; a
/// message that parses is mapped onto an inference request for each sample model and validated.
/// </summary>
internal sealed class GrpcRequestTarget : IFuzzTarget
{
    private readonly RequestOracle _oracle = new();

    public string Name => "grpc";

    public string Extension => ".pb";

    public IReadOnlyList<(string Name, byte[] Bytes)> Seeds => GrpcSeeds.All;

    public string Execute(ReadOnlySpan<byte> input)
    {
        ModelInferRequest message;
        try
        {
            message = ModelInferRequest.Parser.ParseFrom(input);
        }
        catch (InvalidProtocolBufferException)
        {
            return "protobuf: not a ModelInferRequest";
        }

        return _oracle.Check(input.Length, (model, request, pool) => GrpcRequestMapper.Map(model, message, request, pool));
    }
}
