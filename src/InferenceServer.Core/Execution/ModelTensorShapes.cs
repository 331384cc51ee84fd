using InferenceServer.Core.Inference;
using InferenceServer.Core.Models;

namespace InferenceServer.Core.Execution;

/// <summary>
/// The shapes a backend hands its runtime for one execution: an input as the request sent it (one request),
/// with the batch's rows in its first dimension (a gathered batch), or as the configured <c>reshape</c> (with
/// the rows prepended when the model batches); an output of known size as its configured dims, rows first.
/// The arrays are reused per tensor slot (<see cref="ShapeArrays"/>), so they are valid until the next execution.
/// </summary>
internal sealed class ModelTensorShapes
{
    // Outputs take slots from here on, so an output never overwrites an input's array of the same rank.
    private const int FirstOutputSlot = 100;

    private readonly ShapeArrays _arrays = new();
    private readonly bool _batches;

    public ModelTensorShapes(bool batches)
    {
        _batches = batches;
    }

    /// <summary>The shape of one request's own input.</summary>
    public long[] Single(InferenceInput input, long rows, int slot) =>
        input.Spec!.Reshape is null ? _arrays.Get(slot, input.Shape.Dimensions) : Reshaped(input.Spec, rows, slot);

    /// <summary>The shape of a batch's gathered input, <paramref name="rows"/> in the first dimension.</summary>
    public long[] Gathered(TensorSpec spec, InferenceInput firstInput, long rows, int slot) =>
        spec.Reshape is null ? _arrays.Get(slot, firstInput.Shape.Dimensions, rows) : Reshaped(spec, rows, slot);

    /// <summary>The shape of an output whose size is known before the run (<see cref="OutputShapes.HasKnownSize"/>).</summary>
    public long[] KnownOutput(TensorSpec spec, long rows, int slot)
    {
        var configured = spec.Reshape ?? spec.Dimensions;
        return _batches ? _arrays.Get(FirstOutputSlot + slot, configured, rows, prependBatch: true) : configured;
    }

    private long[] Reshaped(TensorSpec spec, long rows, int slot) =>
        _batches ? _arrays.Get(slot, spec.Reshape!, rows, prependBatch: true) : spec.Reshape!;
}
