using System.Diagnostics;
using InferenceServer.Core.Execution;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Memory;
using InferenceServer.Core.Models;
using InferenceServer.Core.Scheduling;
using Microsoft.ML.OnnxRuntime;

namespace InferenceServer.OnnxRuntime;

/// <summary>
/// A CPU instance with BYTES inputs or outputs of unknown size, on managed <see cref="OrtValue"/>s. When every output
/// this batch asks for has a known size, ONNX Runtime writes them into pooled buffers (run through
/// <see cref="OrtDirectRun"/>); otherwise <see cref="InferenceSession.Run(RunOptions, IReadOnlyCollection{string}, IReadOnlyCollection{OrtValue}, IReadOnlyCollection{string})"/>
/// allocates them and they are copied once (<see cref="OrtResultOutputs"/>).
/// </summary>
internal sealed class ManagedSessionRun : IOnnxRun
{
    private readonly InferenceSession _session;
    private readonly PinnedBufferPool _pool;
    private readonly bool _batches;
    private readonly RunOptions _runOptions = new();
    private readonly OrtDirectRun _directRun;
    private readonly HostInputs _host;
    private readonly OrtInputValues _inputs;
    private readonly BatchOutputs _outputs;
    private readonly List<OrtValue> _outputValues = [];

    public ManagedSessionRun(InferenceSession session, ModelSignature signature, PinnedBufferPool pool)
    {
        _session = session;
        _pool = pool;
        _batches = signature.Batches;
        var shapes = new ModelTensorShapes(signature.Batches);
        _directRun = new OrtDirectRun(session);
        _host = new HostInputs(pool, shapes);
        _inputs = new OrtInputValues(_host);
        _outputs = new BatchOutputs(signature, pool, shapes);
    }

    public ExecutionTimings Run(ReadOnlySpan<InferenceRequest> batch, long rows, long start)
    {
        var slot = 0;
        foreach (var input in batch[0].Inputs)
        {
            _inputs.Add(batch, input, rows, slot++);
        }

        _outputs.Select(batch[0]);
        var preallocated = TryPreallocateOutputs(rows);
        var inputsReady = Stopwatch.GetTimestamp();
        long inferred;
        if (preallocated)
        {
            _directRun.Run(_runOptions, _inputs.Names, _inputs.Values, _outputs.Names, _outputValues);
            inferred = Stopwatch.GetTimestamp();
            _outputs.ScatterPreallocated(batch, rows);
        }
        else
        {
            using var results = _session.Run(_runOptions, _inputs.Names, _inputs.Values, _outputs.Names);
            inferred = Stopwatch.GetTimestamp();
            var index = 0;
            foreach (var value in results)
            {
                OrtResultOutputs.Add(batch, rows, _outputs.Spec(index++), value, _pool, _batches);
            }
        }

        return HostTimings.FromTimestamps(start, inputsReady, inferred, Stopwatch.GetTimestamp());
    }

    /// <summary>Values over a pooled buffer per output, when all their shapes are known before the run.</summary>
    private bool TryPreallocateOutputs(long rows)
    {
        if (!_outputs.TryPreallocate(rows))
        {
            return false;
        }

        for (var i = 0; i < _outputs.Count; i++)
        {
            var buffer = _outputs.Buffer(i);
            _outputValues.Add(OrtValue.CreateTensorValueWithData(
                OrtMemoryInfo.DefaultInstance, OnnxTypes.ToOnnx(_outputs.Spec(i).DataType), _outputs.ModelShape(i), HostTensor.AddressOf(buffer), buffer.Length));
        }

        return true;
    }

    public void Reset()
    {
        _inputs.Reset();
        foreach (var value in _outputValues)
        {
            value.Dispose();
        }

        _outputValues.Clear();
        _host.Release();
        _outputs.Release();
    }

    public void Dispose()
    {
        _runOptions.Dispose();
        _directRun.Dispose();
    }
}
