using InferenceServer.Core.Memory;
using InferenceServer.Core.Models;
using InferenceServer.Core.Traffic;

namespace InferenceServer.Core.Inference.Pipeline;

/// <summary>
/// What a protocol contributes to one inference request: it has read its message off the wire (an HTTP body, a gRPC
/// message), and it knows how to bind that message's tensors and how to write an answer. Everything between —
/// admission, routing, holding the version, validation, scheduling, statistics, the traffic policy, the after-steps —
/// is <see cref="InferencePipeline"/>'s, once for every protocol. Codecs are structs: one per request costs nothing.
/// </summary>
/// <typeparam name="TAnswer">What the front end gets back from the pipeline (a gRPC response to return, or nothing).</typeparam>
public interface IInferenceCodec<TAnswer> : IRoutingKeySource
{
    /// <summary>Hands what the codec holds for this message (a pooled body buffer) to the request, which frees it when reset.</summary>
    void Attach(InferenceRequest request);

    /// <summary>
    /// Binds the message's inputs and requested outputs to <paramref name="request"/> for <paramref name="model"/>: each input
    /// through <see cref="RequestValidator.BindInput"/> (header checked before any data buffer is sized), data into pooled
    /// buffers or used in place. The pipeline validates the whole request afterwards, once.
    /// </summary>
    InferenceError Bind(ModelVersion model, InferenceRequest request, PinnedBufferPool buffers);

    /// <summary>Writes the outputs of an answered request.</summary>
    ValueTask<TAnswer> AnswerAsync(InferenceRequest request);

    /// <summary>Writes a failure; <paramref name="version"/> is the version that was to answer, when one was chosen.</summary>
    ValueTask<TAnswer> RefuseAsync(InferenceError error, ModelVersion? version);
}
