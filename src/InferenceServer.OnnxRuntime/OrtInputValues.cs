using InferenceServer.Core.Execution;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace InferenceServer.OnnxRuntime;

/// <summary>
/// One execution's inputs as managed <see cref="OrtValue"/>s (<see cref="ManagedSessionRun"/>, <see cref="DeviceBoundRun"/>):
/// numeric ones over host memory (<see cref="HostInputs"/>), BYTES ones as ONNX Runtime string tensors filled with
/// every request's elements. Remembers where each input's bytes are (<see cref="Hosts"/>), for a copy to a GPU.
/// </summary>
internal sealed class OrtInputValues
{
    private readonly HostInputs _host;

    public OrtInputValues(HostInputs host)
    {
        _host = host;
    }

    public List<string> Names { get; } = [];

    /// <summary>The values, in the order of <see cref="Names"/>; a device run replaces host values by device ones.</summary>
    public List<OrtValue> Values { get; } = [];

    /// <summary>Each input's host memory, in the order of <see cref="Names"/> (<see cref="HostTensor.HostOnly"/> for BYTES).</summary>
    public List<HostTensor> Hosts { get; } = [];

    /// <summary>Adds input <paramref name="input"/> of the batch (the first request's), in slot <paramref name="slot"/> of the run.</summary>
    public void Add(ReadOnlySpan<InferenceRequest> batch, InferenceInput input, long rows, int slot)
    {
        Names.Add(input.Spec!.Name);
        Values.Add(batch.Length == 1 ? CreateInput(batch, input, rows, slot) : GatherInput(batch, input, rows, slot));
    }

    /// <summary>Disposes the values (not the memory under them, which <see cref="HostInputs"/> holds).</summary>
    public void Reset()
    {
        foreach (var value in Values)
        {
            value.Dispose();
        }

        Names.Clear();
        Values.Clear();
        Hosts.Clear();
    }

    /// <summary>A single request's input, read in place (numeric) or copied into a string tensor (BYTES).</summary>
    private OrtValue CreateInput(ReadOnlySpan<InferenceRequest> batch, InferenceInput input, long rows, int slot)
    {
        if (input.DataType == DataType.Bytes)
        {
            var value = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, _host.Shapes.Single(input, rows, slot));
            Hosts.Add(HostTensor.HostOnly);
            var data = input.Data.Span;
            var count = (int)input.Shape.ElementCount;
            for (var i = 0; i < count; i++)
            {
                value.StringTensorSetElementAt(BytesTensor.ReadElement(ref data), i);
            }

            return value;
        }

        return CreateNumeric(_host.Numeric(batch, input, rows, slot));
    }

    /// <summary>Concatenates one input of every request of the batch along the batch dimension.</summary>
    private OrtValue GatherInput(ReadOnlySpan<InferenceRequest> batch, InferenceInput firstInput, long rows, int slot)
    {
        var spec = firstInput.Spec!;
        if (spec.DataType == DataType.Bytes)
        {
            var value = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, _host.Shapes.Gathered(spec, firstInput, rows, slot));
            Hosts.Add(HostTensor.HostOnly);
            var index = 0;
            foreach (var request in batch)
            {
                var input = BatchInputGatherer.Find(request, spec);
                var data = input.Data.Span;
                for (long i = 0; i < input.Shape.ElementCount; i++)
                {
                    value.StringTensorSetElementAt(BytesTensor.ReadElement(ref data), index++);
                }
            }

            return value;
        }

        return CreateNumeric(_host.Numeric(batch, firstInput, rows, slot));
    }

    private OrtValue CreateNumeric(HostTensor tensor)
    {
        Hosts.Add(tensor);
        return OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, OnnxTypes.ToOnnx(tensor.DataType), tensor.Shape, tensor.Address, tensor.Bytes);
    }
}
