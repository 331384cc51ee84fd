using Grpc.Core;
using Inference;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Inference.Pipeline;
using InferenceServer.Core.Memory;
using InferenceServer.Core.Models;
using InferenceServer.Core.SharedMemory;

namespace InferenceServer.Protocols.Grpc;

/// <summary>
/// gRPC's codec for the inference pipeline: grpc-dotnet has parsed the message; raw input contents are used in place and
/// typed contents packed (<see cref="GrpcRequestMapper"/>). A unary call hands its answer back to the service method,
/// which grpc-dotnet writes after the method returns; a stream writes each answer itself, an error as the stream's <c>error_message</c> (the stream goes on).
/// </summary>
internal readonly struct GrpcInferCodec(ModelInferRequest message, ServerCallContext? context, IServerStreamWriter<ModelStreamInferResponse>? stream, SharedMemoryRegistry sharedMemory)
    : IInferenceCodec<GrpcAnswer>
{
    /// <summary>The metadata key carrying the sticky-routing key (the request parameter <c>routing_key</c> wins).</summary>
    public const string RoutingKeyMetadata = "x-routing-key";

    public void Attach(InferenceRequest request)
    {
        // The message's bytes are the protobuf object's, kept alive by the call; nothing pooled to hand over.
    }

    public string? FindRoutingKey() =>
        message.Parameters.TryGetValue("routing_key", out var parameter) && parameter.ParameterChoiceCase == InferParameter.ParameterChoiceOneofCase.StringParam
            ? parameter.StringParam
            : context?.RequestHeaders.GetValue(RoutingKeyMetadata);

    public InferenceError Bind(ModelVersion model, InferenceRequest request, PinnedBufferPool buffers) =>
        GrpcRequestMapper.Map(model, message, request, buffers, sharedMemory);

    public ValueTask<GrpcAnswer> AnswerAsync(InferenceRequest request)
    {
        var response = GrpcResponses.Infer(request);
        if (stream is null)
        {
            return new(new GrpcAnswer(response, InferenceError.None));
        }

        response.Parameters["triton_final_response"] = new InferParameter { BoolParam = true };
        return WriteAsync(new ModelStreamInferResponse { InferResponse = response });
    }

    public ValueTask<GrpcAnswer> RefuseAsync(InferenceError error, ModelVersion? version) =>
        stream is null
            ? new(new GrpcAnswer(null, error))
            : WriteAsync(new ModelStreamInferResponse { ErrorMessage = error.Message, InferResponse = new ModelInferResponse { Id = message.Id } });

    private async ValueTask<GrpcAnswer> WriteAsync(ModelStreamInferResponse response)
    {
        await stream!.WriteAsync(response, context?.CancellationToken ?? default).ConfigureAwait(false);
        return default;
    }
}

/// <summary>A unary call's answer: the response to return, or the error to raise as its status.</summary>
internal readonly record struct GrpcAnswer(ModelInferResponse? Response, InferenceError Error);
