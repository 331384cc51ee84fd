using InferenceServer.Core.Inference;
using InferenceServer.Core.Memory;
using InferenceServer.Core.Models;
using InferenceServer.Core.Tensors;

namespace InferenceServer.Core.Execution;

/// <summary>
/// Packs a BYTES output into each request's own pooled buffer in the protocol's layout (each element a 4-byte
/// length and its bytes, <see cref="BytesTensor"/>): unlike numeric outputs, rows of BYTES have no fixed size,
/// so a batch's requests cannot share slices of one buffer.
/// </summary>
internal static class BytesOutputPacker
{
    public static void Pack<TElements>(
        ReadOnlySpan<InferenceRequest> batch, TensorSpec spec, TElements elements, long[] modelShape, long elementCount, PinnedBufferPool pool, bool batches)
        where TElements : struct, IBytesElements
    {
        var rows = batch.Length == 1 ? 1 : modelShape[0];
        var elementsPerRow = batch.Length == 1 ? elementCount : elementCount / rows;
        long element = 0;
        foreach (var request in batch)
        {
            var count = batch.Length == 1 ? elementCount : request.BatchSize * elementsPerRow;
            long total = 0;
            for (var i = element; i < element + count; i++)
            {
                total += BytesTensor.PrefixSize + elements.Element((int)i).Length;
            }

            var buffer = pool.Rent(checked((int)total));
            var destination = buffer.Span;
            for (var i = element; i < element + count; i++)
            {
                destination = destination[BytesTensor.WriteElement(destination, elements.Element((int)i))..];
            }

            element += count;
            request.AddOutput(spec, OutputShapes.ForClient(spec, modelShape, request.BatchSize, batches), buffer);
        }
    }
}
