using System.Diagnostics;
using InferenceServer.Core.Execution;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Memory;
using InferenceServer.Core.Models;
using InferenceServer.Core.Scheduling;
using Microsoft.ML.OnnxRuntime;

namespace InferenceServer.OnnxRuntime;

/// <summary>
/// A CPU instance whose tensors are all numeric, with outputs of known size: inputs and outputs are native values
/// over pinned memory (<see cref="OrtDirectRun.CreateTensor"/>) and the run is the C API's, so an execution makes no
/// managed <see cref="OrtValue"/> and allocates nothing. ONNX Runtime writes each output straight into a pooled buffer.
/// </summary>
internal sealed class NativeValueRun : IOnnxRun
{
    private readonly RunOptions _runOptions = new();
    private readonly OrtDirectRun _directRun;
    private readonly HostInputs _inputs;
    private readonly BatchOutputs _outputs;
    private readonly List<string> _inputNames = [];
    private readonly List<nint> _nativeInputs = [];
    private readonly List<nint> _nativeOutputs = [];

    public NativeValueRun(InferenceSession session, ModelSignature signature, PinnedBufferPool pool)
    {
        var shapes = new ModelTensorShapes(signature.Batches);
        _directRun = new OrtDirectRun(session);
        _inputs = new HostInputs(pool, shapes);
        _outputs = new BatchOutputs(signature, pool, shapes);
    }

    /// <summary>Whether a signature can run here: no BYTES input (those need the managed API's string tensors) and every output of known size.</summary>
    public static bool CanRun(ModelSignature signature)
    {
        foreach (var input in signature.Inputs.Concat(signature.ServerInputs))
        {
            if (input.DataType == Core.Tensors.DataType.Bytes)
            {
                return false;
            }
        }

        foreach (var output in signature.Outputs.Concat(signature.StateOutputs))
        {
            if (!OutputShapes.HasKnownSize(output))
            {
                return false;
            }
        }

        return true;
    }

    public ExecutionTimings Run(ReadOnlySpan<InferenceRequest> batch, long rows, long start)
    {
        var slot = 0;
        foreach (var input in batch[0].Inputs)
        {
            _inputNames.Add(input.Spec!.Name);
            var tensor = _inputs.Numeric(batch, input, rows, slot++);
            _nativeInputs.Add(OrtDirectRun.CreateTensor(tensor.Address, tensor.Bytes, tensor.Shape, OnnxTypes.ToOnnx(tensor.DataType)));
        }

        _outputs.Select(batch[0]);

        // Always succeeds: CanRun admitted only signatures whose every output has a known size.
        _outputs.TryPreallocate(rows);
        for (var i = 0; i < _outputs.Count; i++)
        {
            var buffer = _outputs.Buffer(i);
            _nativeOutputs.Add(OrtDirectRun.CreateTensor(HostTensor.AddressOf(buffer), buffer.Length, _outputs.ModelShape(i), OnnxTypes.ToOnnx(_outputs.Spec(i).DataType)));
        }

        var inputsReady = Stopwatch.GetTimestamp();
        _directRun.Run(_runOptions, _inputNames, _nativeInputs, _outputs.Names, _nativeOutputs);
        var inferred = Stopwatch.GetTimestamp();
        _outputs.ScatterPreallocated(batch, rows);
        return HostTimings.FromTimestamps(start, inputsReady, inferred, Stopwatch.GetTimestamp());
    }

    public void Reset()
    {
        foreach (var value in _nativeInputs)
        {
            OrtDirectRun.ReleaseValue(value);
        }

        foreach (var value in _nativeOutputs)
        {
            OrtDirectRun.ReleaseValue(value);
        }

        _nativeInputs.Clear();
        _nativeOutputs.Clear();
        _inputNames.Clear();
        _inputs.Release();
        _outputs.Release();
    }

    public void Dispose()
    {
        _runOptions.Dispose();
        _directRun.Dispose();
    }
}
