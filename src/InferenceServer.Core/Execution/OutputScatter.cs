using InferenceServer.Core.Inference;
using InferenceServer.Core.Memory;
using InferenceServer.Core.Models;

namespace InferenceServer.Core.Execution;

/// <summary>Hands one output of an execution, in one pinned buffer, to the requests of its batch.</summary>
internal static class OutputScatter
{
    /// <summary>
    /// Gives each request its rows of <paramref name="buffer"/>: a single request the whole buffer; several requests
    /// each a slice of it, shared and reference-counted (<see cref="SharedPinnedBuffer"/>), so it goes back to the
    /// pool when the last response is written. Takes ownership of <paramref name="buffer"/>.
    /// </summary>
    public static void Scatter(ReadOnlySpan<InferenceRequest> batch, long rows, TensorSpec spec, long[] modelShape, PinnedBuffer buffer, bool batches)
    {
        if (batch.Length == 1)
        {
            batch[0].AddOutput(spec, OutputShapes.ForClient(spec, modelShape, batch[0].BatchSize, batches), buffer);
            return;
        }

        var bytesPerRow = buffer.Length / rows;
        var shared = SharedPinnedBuffer.Create(buffer, batch.Length);
        long offset = 0;
        foreach (var request in batch)
        {
            var length = request.BatchSize * bytesPerRow;
            request.AddSharedOutput(spec, OutputShapes.ForClient(spec, modelShape, request.BatchSize, batches), shared, (int)offset, (int)length);
            offset += length;
        }
    }
}
