using InferenceServer.Core.Inference;
using InferenceServer.Core.Models;
using InferenceServer.Core.Tensors;

namespace InferenceServer.Core.SharedMemory;

/// <summary>
/// Binds tensors that live in shared memory, once for both protocols: the codecs read the <c>shared_memory_*</c>
/// parameters (<see cref="SharedMemoryReference"/>) and call here from their Bind. An input is checked like any other
/// (<see cref="RequestValidator.BindInput"/>) and then reads straight from the region, with no copy; an output holds
/// its part of the region until the pipeline writes the answer into it (the pipeline's <c>RequestedOutputDelivery</c> step).
/// </summary>
public static class SharedMemoryTensors
{
    /// <summary>The parameter names, as both protocols spell them.</summary>
    public const string RegionParameter = "shared_memory_region";

    /// <inheritdoc cref="RegionParameter"/>
    public const string OffsetParameter = "shared_memory_offset";

    /// <inheritdoc cref="RegionParameter"/>
    public const string ByteSizeParameter = "shared_memory_byte_size";

    public static InferenceError BindInput(SharedMemoryRegistry registry, ModelVersion model, InferenceRequest request, TensorSpec? spec, string name,
        DataType dataType, in TensorShape shape, in SharedMemoryReference reference)
    {
        var error = RequestValidator.BindInput(model, request, spec, name, dataType, shape, out var input);
        if (error.IsError)
        {
            return error;
        }

        if (input.ExpectedByteSize >= 0 && reference.ByteSize != input.ExpectedByteSize)
        {
            return InferenceError.InvalidArgument(
                $"input byte size mismatch for input '{name}' for model '{model.Name}'. Expected {input.ExpectedByteSize}, got {reference.ByteSize} ({ByteSizeParameter})");
        }

        error = registry.Hold(reference, $"input '{name}'", out var lease);
        if (error.IsError)
        {
            return error;
        }

        request.Own(lease!);
        InferenceRequest.SetInputData(input, lease!.Memory);
        return InferenceError.None;
    }

    /// <summary>Holds the part of a region <paramref name="output"/> is to be written to.</summary>
    public static InferenceError BindOutput(SharedMemoryRegistry registry, InferenceRequest request, RequestedOutput output, in SharedMemoryReference reference)
    {
        var error = registry.Hold(reference, $"output '{output.Name}'", out var lease);
        if (error.IsError)
        {
            return error;
        }

        request.Own(lease!);
        output.SharedMemory = lease;
        return InferenceError.None;
    }

    /// <summary>The message for an input that names a region and also carries data.</summary>
    public static InferenceError InputWithData(string name) =>
        InferenceError.InvalidArgument($"input '{name}' has both shared memory parameters and data; a shared memory input must not carry data");

    /// <summary>The message for a tensor that names a region but not the size to use.</summary>
    public static InferenceError MissingByteSize(string tensor) =>
        InferenceError.InvalidArgument($"{tensor} names a shared memory region but no {ByteSizeParameter}");
}
