using InferenceServer.Core.Execution;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Memory;

namespace InferenceServer.OnnxRuntime;

/// <summary>
/// A batch's numeric inputs in host memory for ONNX Runtime: a single request's read in place, a batch's gathered
/// into one pooled buffer (<see cref="BatchInputGatherer"/>), each with the shape the model sees
/// (<see cref="ModelTensorShapes"/>). Held until <see cref="Release"/>, after the run.
/// </summary>
internal sealed class HostInputs
{
    private readonly BatchInputGatherer _gatherer;

    public HostInputs(PinnedBufferPool pool, ModelTensorShapes shapes)
    {
        _gatherer = new BatchInputGatherer(pool);
        Shapes = shapes;
    }

    public ModelTensorShapes Shapes { get; }

    /// <summary>Input <paramref name="input"/> of the batch (the first request's), in slot <paramref name="slot"/> of the run.</summary>
    public HostTensor Numeric(ReadOnlySpan<InferenceRequest> batch, InferenceInput input, long rows, int slot)
    {
        if (batch.Length == 1)
        {
            var shape = Shapes.Single(input, rows, slot);
            var address = _gatherer.Pin(input);
            return new HostTensor(input.Data.Length == 0 ? HostTensor.EmptyAddress : address, input.Data.Length, input.DataType, shape);
        }

        var spec = input.Spec!;
        var gatheredShape = Shapes.Gathered(spec, input, rows, slot);
        var buffer = _gatherer.Gather(batch, spec);
        return new HostTensor(HostTensor.AddressOf(buffer), buffer.Length, spec.DataType, gatheredShape);
    }

    public void Release() => _gatherer.Release();
}
