using InferenceServer.Core.Inference;
using InferenceServer.Core.Inference.Pipeline;
using InferenceServer.Core.Memory;
using InferenceServer.Core.Models;
using InferenceServer.Core.SharedMemory;
using Microsoft.AspNetCore.Http;

namespace InferenceServer.Protocols.Http.Endpoints;

/// <summary>
/// HTTP's codec for the inference pipeline: the body was read into one pinned buffer; inputs are bound from its JSON
/// header and binary blobs (<see cref="InferRequestParser"/>), the answer is written straight from the output buffers
/// (<see cref="InferResponseWriter"/>).
/// </summary>
internal readonly struct HttpInferCodec(HttpContext context, BodyReadResult body, long headerLength, int maxJsonDepth, SharedMemoryRegistry sharedMemory) : IInferenceCodec<bool>
{
    /// <summary>Response header naming the version that answered.</summary>
    public const string ModelVersionHeader = "x-model-version";

    public void Attach(InferenceRequest request)
    {
        if (body.Buffer is { } buffer)
        {
            request.Own(buffer);
        }
    }

    // Sticky routing by the body's routing_key parameter: scanned only for a model with a canary.
    public string? FindRoutingKey() =>
        body.Buffer is null ? null : RoutingKeyScanner.Find(body.Bytes.Span[..(int)(headerLength >= 0 ? Math.Min(headerLength, body.Length) : body.Length)]);

    public InferenceError Bind(ModelVersion model, InferenceRequest request, PinnedBufferPool buffers) =>
        InferRequestParser.Parse(model, body.Bytes, headerLength, request, buffers, maxJsonDepth, sharedMemory);

    public ValueTask<bool> AnswerAsync(InferenceRequest request)
    {
        context.Response.Headers[ModelVersionHeader] = request.Version!.VersionString;
        return Done(InferResponseWriter.WriteAsync(context, request));
    }

    public ValueTask<bool> RefuseAsync(InferenceError error, ModelVersion? version)
    {
        if (version is not null)
        {
            context.Response.Headers[ModelVersionHeader] = version.VersionString;
        }

        return Done(HttpResponses.WriteError(context, error));
    }

    private static ValueTask<bool> Done(Task write) => write.IsCompletedSuccessfully ? new(true) : Await(write);

    private static async ValueTask<bool> Await(Task write)
    {
        await write.ConfigureAwait(false);
        return true;
    }
}
