using InferenceServer.Core.Execution;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Memory;
using InferenceServer.Core.Models;
using InferenceServer.Core.Scheduling;
using InferenceServer.OnnxRuntime.Gpu;
using Microsoft.ML.OnnxRuntime;

namespace InferenceServer.OnnxRuntime;

/// <summary>
/// A <c>KIND_GPU</c> instance (an <see cref="IInstanceDevice"/>): each input's pinned bytes are copied
/// asynchronously on the instance's stream into a device buffer from the GPU's pool, the buffers are bound to the
/// session through an <see cref="OrtIoBinding"/> (whose CUDA provider runs on that same stream), ONNX Runtime writes
/// the outputs into bound device buffers, and those are copied back into pooled pinned buffers on the stream before
/// the requests are answered from them. Stage times come from events on the stream. BYTES tensors stay on the host;
/// ONNX Runtime moves them itself.
/// </summary>
internal sealed class DeviceBoundRun : IOnnxRun
{
    private readonly InferenceSession _session;
    private readonly IInstanceDevice _device;
    private readonly PinnedBufferPool _pool;
    private readonly bool _batches;
    private readonly RunOptions _runOptions = new();
    private readonly OrtIoBinding _binding;
    private readonly OrtMemoryInfo _memoryInfo;
    private readonly HostInputs _host;
    private readonly OrtInputValues _inputs;
    private readonly BatchOutputs _outputs;
    private readonly List<OrtValue> _outputValues = [];
    private readonly List<OrtValue> _hostValues = [];
    private readonly List<DeviceBuffer> _deviceBuffers = [];
    private readonly List<DeviceBuffer?> _deviceOutputs = [];
    private bool _streamPassed;

    public DeviceBoundRun(InferenceSession session, ModelSignature signature, PinnedBufferPool pool, IInstanceDevice device)
    {
        _session = session;
        _device = device;
        _pool = pool;
        _batches = signature.Batches;
        var shapes = new ModelTensorShapes(signature.Batches);
        _host = new HostInputs(pool, shapes);
        _inputs = new OrtInputValues(_host);
        _outputs = new BatchOutputs(signature, pool, shapes);
        _memoryInfo = OrtInstanceDevice.CreateMemoryInfo(device);
        _binding = session.CreateIoBinding();
    }

    public ExecutionTimings Run(ReadOnlySpan<InferenceRequest> batch, long rows, long start)
    {
        _device.Mark(ExecutionStage.Start);
        var slot = 0;
        foreach (var input in batch[0].Inputs)
        {
            _inputs.Add(batch, input, rows, slot++);
        }

        MoveInputsToDevice();
        _outputs.Select(batch[0]);
        var preallocated = TryPreallocateOutputs(rows);
        _device.Mark(ExecutionStage.InputsCopied);
        ExecutionTimings timings;
        if (preallocated)
        {
            RunBound(outputsBound: true);
            timings = CopyOutputsToHost();
            _outputs.ScatterPreallocated(batch, rows);
        }
        else
        {
            // Outputs whose size is known only after the run come back in host memory (ONNX Runtime copies them).
            using var results = RunBound(outputsBound: false)!;
            timings = CopyOutputsToHost();
            var index = 0;
            foreach (var value in results)
            {
                OrtResultOutputs.Add(batch, rows, _outputs.Spec(index++), value, _pool, _batches);
            }
        }

        return timings;
    }

    /// <summary>Replaces each host input (but BYTES and empty ones) by a device buffer filled by an asynchronous copy on the instance's stream.</summary>
    private void MoveInputsToDevice()
    {
        var hosts = _inputs.Hosts;
        for (var i = 0; i < hosts.Count; i++)
        {
            var host = hosts[i];
            if (host.Bytes <= 0)
            {
                continue;
            }

            var deviceBuffer = _device.Rent(checked((int)host.Bytes));
            _deviceBuffers.Add(deviceBuffer);
            _device.CopyToDevice(deviceBuffer, host.Address, (int)host.Bytes);
            _hostValues.Add(_inputs.Values[i]);
            _inputs.Values[i] = OrtValue.CreateTensorValueWithData(_memoryInfo, OnnxTypes.ToOnnx(host.DataType), host.Shape, deviceBuffer.Address, host.Bytes);
        }
    }

    /// <summary>
    /// Binds every output to a device buffer (CopyOutputsToHost brings it into its pooled pinned buffer) when all
    /// their shapes are known before the run; an empty output stays on the host.
    /// </summary>
    private bool TryPreallocateOutputs(long rows)
    {
        if (!_outputs.TryPreallocate(rows))
        {
            return false;
        }

        for (var i = 0; i < _outputs.Count; i++)
        {
            var bytes = _outputs.Buffer(i).Length;
            var type = OnnxTypes.ToOnnx(_outputs.Spec(i).DataType);
            if (bytes > 0)
            {
                var deviceBuffer = _device.Rent(bytes);
                _deviceBuffers.Add(deviceBuffer);
                _deviceOutputs.Add(deviceBuffer);
                _outputValues.Add(OrtValue.CreateTensorValueWithData(_memoryInfo, type, _outputs.ModelShape(i), deviceBuffer.Address, bytes));
                continue;
            }

            _deviceOutputs.Add(null);
            _outputValues.Add(OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, type, _outputs.ModelShape(i), HostTensor.EmptyAddress, bytes));
        }

        return true;
    }

    /// <summary>
    /// Runs through the binding: the inputs (device buffers, or host memory for BYTES), and either the
    /// preallocated outputs or, when their sizes are known only after the run, outputs ONNX Runtime
    /// allocates in host memory (returned; the caller disposes them; null when the outputs were bound).
    /// </summary>
    private IDisposableReadOnlyCollection<OrtValue>? RunBound(bool outputsBound)
    {
        for (var i = 0; i < _inputs.Names.Count; i++)
        {
            _binding.BindInput(_inputs.Names[i], _inputs.Values[i]);
        }

        for (var i = 0; i < _outputs.Count; i++)
        {
            if (outputsBound)
            {
                _binding.BindOutput(_outputs.Names[i], _outputValues[i]);
            }
            else
            {
                _binding.BindOutputToDevice(_outputs.Names[i], OrtMemoryInfo.DefaultInstance);
            }
        }

        _session.RunWithBinding(_runOptions, _binding);
        return outputsBound ? null : _binding.GetOutputValues();
    }

    /// <summary>Queues the copies of the device outputs into their pinned buffers, then waits for the stream and returns its stage times.</summary>
    private ExecutionTimings CopyOutputsToHost()
    {
        _device.Mark(ExecutionStage.Inferred);
        for (var i = 0; i < _deviceOutputs.Count; i++)
        {
            if (_deviceOutputs[i] is { } source)
            {
                _device.CopyToHost(_outputs.Buffer(i).Pointer, source, source.Length);
            }
        }

        _device.Mark(ExecutionStage.OutputsCopied);
        var timings = _device.Complete();
        _streamPassed = true;
        return timings;
    }

    public void Reset()
    {
        if (_deviceBuffers.Count > 0 && !_streamPassed)
        {
            // A failed run may leave copies queued that still read pinned buffers or write device ones:
            // let the stream pass them before either goes back to its pool.
            _device.WaitForStream();
        }

        _streamPassed = false;
        _binding.ClearBoundInputs();
        _binding.ClearBoundOutputs();
        foreach (var buffer in _deviceBuffers)
        {
            buffer.Dispose();
        }

        foreach (var value in _hostValues)
        {
            value.Dispose();
        }

        _inputs.Reset();
        foreach (var value in _outputValues)
        {
            value.Dispose();
        }

        _deviceBuffers.Clear();
        _deviceOutputs.Clear();
        _hostValues.Clear();
        _outputValues.Clear();
        _host.Release();
        _outputs.Release();
    }

    public void Dispose()
    {
        _runOptions.Dispose();
        _binding.Dispose();
        OrtInstanceDevice.DisposeMemoryInfo(_memoryInfo);
    }
}
