using InferenceServer.Core.Inference.Classification;
using InferenceServer.Core.Memory;
using InferenceServer.Core.Models;

namespace InferenceServer.Core.Inference.Pipeline;

/// <summary>
/// The pipeline's step between a model's outputs and the codec's answer, once for both protocols: an output asked for
/// with <c>classification</c> becomes its top-k classes (<see cref="TopKClasses"/>), and an output asked for in a
/// shared-memory region is copied into it (the answer then carries its metadata and no data, as Triton answers).
/// An output larger than its region fails the request (INTERNAL, as Triton).
/// </summary>
internal static class RequestedOutputDelivery
{
    public static InferenceError Deliver(ModelVersion model, InferenceRequest request, PinnedBufferPool buffers)
    {
        foreach (var requested in request.RequestedOutputs)
        {
            if (requested.ClassCount == 0 && requested.SharedMemory is null)
            {
                continue;
            }

            foreach (var output in request.Outputs)
            {
                if (!ReferenceEquals(output.Spec, requested.Spec))
                {
                    continue;
                }

                if (requested.ClassCount > 0)
                {
                    TopKClasses.Apply(output, requested.ClassCount, model.Signature.Batches, buffers);
                }
                else
                {
                    var lease = requested.SharedMemory!;
                    var data = output.Data.Span;
                    if (data.Length > lease.Length)
                    {
                        return InferenceError.Internal(
                            $"output '{output.Name}' is {data.Length} bytes, more than the shared_memory_byte_size {lease.Length} given for it in region '{lease.Region}'");
                    }

                    data.CopyTo(lease.GetSpan());
                    output.MarkWrittenTo(lease);
                }

                break;
            }
        }

        return InferenceError.None;
    }
}
