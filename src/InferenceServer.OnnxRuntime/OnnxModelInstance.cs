using System.Buffers;
using System.Diagnostics;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Memory;
using InferenceServer.Core.Models;
using InferenceServer.Core.Scheduling;
using InferenceServer.Core.Tensors;
using InferenceServer.OnnxRuntime.Gpu;
using Microsoft.ML.OnnxRuntime;

namespace InferenceServer.OnnxRuntime;

/// <summary>
/// One ONNX Runtime session serving batches on its scheduler's dedicated thread.
/// <list type="bullet">
/// <item>Inputs: a single request's tensors are handed to ONNX Runtime in place (OrtValues over the
/// request's pinned memory); a batch's are gathered into one pooled pinned buffer per input.</item>
/// <item>Outputs: when every output's shape is known before the run (fixed dims in the config, no BYTES),
/// ONNX Runtime writes straight into pooled pinned buffers; otherwise its outputs are copied once. Each
/// request of a batch then answers from its slice of the batch's buffer (shared, reference-counted).</item>
/// <item>On a GPU (<c>KIND_GPU</c>, an <see cref="IInstanceDevice"/>): each input's pinned bytes are copied
/// asynchronously on the instance's stream into a device buffer from the GPU's pool, the buffers are bound
/// to the session through an <see cref="OrtIoBinding"/> (whose CUDA provider runs on that same stream),
/// ONNX Runtime writes the outputs into bound device buffers, and those are copied back
/// into pooled pinned buffers on the stream before the requests are answered from them. Stage times come
/// from events on the stream. BYTES tensors stay on the host; ONNX Runtime moves them itself.</item>
/// </list>
/// All scratch state is per instance and reused, because an instance runs one batch at a time.
/// </summary>
internal sealed unsafe class OnnxModelInstance : IModelInstance
{
    // ONNX Runtime wants a non-null address even for a zero-size tensor.
    private static readonly IntPtr EmptyTensorAddress = (IntPtr)System.Runtime.InteropServices.NativeMemory.AlignedAlloc(64, 64);

    private readonly InferenceSession _session;
    private readonly ModelSignature _signature;
    private readonly PinnedBufferPool _pool;
    private readonly RunOptions _runOptions = new();
    private readonly OrtDirectRun _directRun;
    private readonly bool _native;
    private readonly List<nint> _nativeInputs = [];
    private readonly List<nint> _nativeOutputs = [];
    private readonly List<string> _inputNames = [];
    private readonly List<OrtValue> _inputValues = [];
    private readonly List<MemoryHandle> _pins = [];
    private readonly List<PinnedBuffer> _gathered = [];
    private readonly List<string> _outputNames = [];
    private readonly List<TensorSpec> _outputSpecs = [];
    private readonly List<OrtValue> _outputValues = [];
    private readonly List<PinnedBuffer?> _outputBuffers = [];
    private readonly List<long[]> _outputShapes = [];
    private readonly ShapeArrays _shapes = new();
    private readonly IInstanceDevice? _device;
    private readonly OrtIoBinding? _binding;
    private readonly SessionOptions? _ownOptions;
    private readonly List<HostTensor> _hostInputs = [];
    private readonly List<OrtValue> _hostValues = [];
    private readonly List<DeviceBuffer> _deviceBuffers = [];
    private readonly List<DeviceBuffer?> _deviceOutputs = [];
    private bool _streamPassed;

    /// <param name="device">The instance's GPU, stream and pool; null for a CPU instance.</param>
    /// <param name="ownOptions">Session options made for this instance alone (a GPU instance's name its stream), disposed with it.</param>
    public OnnxModelInstance(string name, InferenceSession session, ModelSignature signature, PinnedBufferPool pool, IInstanceDevice? device = null, SessionOptions? ownOptions = null)
    {
        Name = name;
        _session = session;
        _signature = signature;
        _pool = pool;
        _device = device;
        _ownOptions = ownOptions;
        _binding = device is null ? null : session.CreateIoBinding();
        _directRun = new OrtDirectRun(session);
        _native = device is null && AllFixedSizeTensors(signature);
    }

    // A CPU instance whose tensors are all numeric, with outputs of known size, runs on native values alone
    // (OrtDirectRun): no managed OrtValue per tensor and execution. BYTES tensors need the managed API's string
    // tensors, outputs of unknown size ONNX Runtime's own allocation, a GPU instance its IoBinding.
    private static bool AllFixedSizeTensors(ModelSignature signature)
    {
        foreach (var input in signature.Inputs)
        {
            if (input.DataType == DataType.Bytes)
            {
                return false;
            }
        }

        foreach (var output in signature.Outputs)
        {
            if (!HasKnownSize(output))
            {
                return false;
            }
        }

        return true;
    }

    // Whether an output's size is known before the run (numeric, every dimension fixed but the batch), so a pooled
    // buffer can be handed to ONNX Runtime to write it.
    private static bool HasKnownSize(TensorSpec output) =>
        output.DataType != DataType.Bytes && Array.TrueForAll(output.Reshape ?? output.Dimensions, d => d >= 0);

    /// <summary>The GPU this instance runs on, or -1 on the CPU.</summary>
    public int DeviceOrdinal => _device?.Ordinal ?? -1;

    public string Name { get; }

    public ExecutionTimings Execute(ReadOnlySpan<InferenceRequest> batch)
    {
        var start = Stopwatch.GetTimestamp();
        var first = batch[0];
        long rows = 0;
        foreach (var request in batch)
        {
            rows += request.BatchSize;
        }

        try
        {
            if (_native)
            {
                return ExecuteNative(batch, rows, start);
            }

            _device?.Mark(ExecutionStage.Start);
            var slot = 0;
            foreach (var input in first.Inputs)
            {
                _inputNames.Add(input.Spec!.Name);
                _inputValues.Add(batch.Length == 1 ? CreateInput(input, rows, slot++) : GatherInput(batch, input.Spec, rows, slot++));
            }

            if (_device is not null)
            {
                MoveInputsToDevice(_device);
            }

            SelectOutputs(first);
            var preallocated = TryPreallocateOutputs(rows);
            _device?.Mark(ExecutionStage.InputsCopied);
            var inputsReady = Stopwatch.GetTimestamp();
            long inferred;
            ExecutionTimings? deviceTimings = null;
            if (preallocated)
            {
                if (_binding is null)
                {
                    _directRun.Run(_runOptions, _inputNames, _inputValues, _outputNames, _outputValues);
                }
                else
                {
                    RunBound(_binding, outputsBound: true);
                }

                inferred = Stopwatch.GetTimestamp();
                if (_device is not null)
                {
                    deviceTimings = CopyOutputsToHost(_device);
                }

                ScatterPreallocatedOutputs(batch, rows);
            }
            else
            {
                // Outputs whose size is known only after the run come back in host memory (ONNX Runtime copies them).
                using var results = _binding is null
                    ? _session.Run(_runOptions, _inputNames, _inputValues, _outputNames)
                    : RunBound(_binding, outputsBound: false)!;
                inferred = Stopwatch.GetTimestamp();
                if (_device is not null)
                {
                    deviceTimings = CopyOutputsToHost(_device);
                }

                var index = 0;
                foreach (var value in results)
                {
                    AddOutputs(batch, rows, _outputSpecs[index++], value);
                }
            }

            return deviceTimings ?? HostTimings(start, inputsReady, inferred, Stopwatch.GetTimestamp());
        }
        catch (Exception ex) when (ex is OnnxRuntimeException or OrtRunException)
        {
            // The requests passed the config's checks but the model itself refused them (e.g. a -1
            // dimension the graph cannot take): the callers' input is at fault, not the server.
            foreach (var request in batch)
            {
                request.SetError(InferenceError.InvalidArgument($"model '{request.Version?.Name}' rejected the request: {ex.Message}"));
            }

            return default;
        }
        finally
        {
            Cleanup();
        }
    }

    private OrtValue CreateInput(InferenceInput input, long rows, int slot)
    {
        var spec = input.Spec!;
        var shape = SingleInputShape(input, rows, slot);
        if (input.DataType == DataType.Bytes)
        {
            var value = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, shape);
            NoteHostInput(HostTensor.HostOnly);
            var data = input.Data.Span;
            var count = (int)input.Shape.ElementCount;
            for (var i = 0; i < count; i++)
            {
                value.StringTensorSetElementAt(BytesTensor.ReadElement(ref data), i);
            }

            return value;
        }

        var tensor = PinInput(input, shape);
        NoteHostInput(tensor);
        return OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, OnnxTypes.ToOnnx(input.DataType), shape, tensor.Address, tensor.Bytes);
    }

    /// <summary>A request's own input, read in place (pinned until the execution ends).</summary>
    private HostTensor PinInput(InferenceInput input, long[] shape)
    {
        var handle = input.Data.Pin();
        _pins.Add(handle);
        var address = input.Data.Length == 0 ? EmptyTensorAddress : (IntPtr)handle.Pointer;
        return new HostTensor(address, input.Data.Length, input.DataType, shape);
    }

    /// <summary>Concatenates one input of every request of the batch along the batch dimension.</summary>
    private OrtValue GatherInput(ReadOnlySpan<InferenceRequest> batch, TensorSpec spec, long rows, int slot)
    {
        var firstInput = Find(batch[0], spec);
        var shape = GatheredInputShape(spec, firstInput, rows, slot);
        if (spec.DataType == DataType.Bytes)
        {
            var value = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, shape);
            NoteHostInput(HostTensor.HostOnly);
            var index = 0;
            foreach (var request in batch)
            {
                var input = Find(request, spec);
                var data = input.Data.Span;
                for (long i = 0; i < input.Shape.ElementCount; i++)
                {
                    value.StringTensorSetElementAt(BytesTensor.ReadElement(ref data), index++);
                }
            }

            return value;
        }

        var tensor = Gather(batch, spec, shape);
        NoteHostInput(tensor);
        return OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, OnnxTypes.ToOnnx(spec.DataType), shape, tensor.Address, tensor.Bytes);
    }

    /// <summary>One numeric input of every request of the batch, copied one after another into one pooled buffer.</summary>
    private HostTensor Gather(ReadOnlySpan<InferenceRequest> batch, TensorSpec spec, long[] shape)
    {
        long total = 0;
        foreach (var request in batch)
        {
            total += Find(request, spec).Data.Length;
        }

        var buffer = _pool.Rent(checked((int)total));
        _gathered.Add(buffer);
        var destination = buffer.Span;
        foreach (var request in batch)
        {
            var data = Find(request, spec).Data.Span;
            data.CopyTo(destination);
            destination = destination[data.Length..];
        }

        return new HostTensor(total == 0 ? EmptyTensorAddress : buffer.Pointer, total, spec.DataType, shape);
    }

    // A CPU execution on native values (_native): the same inputs, outputs and scatter as Execute's, no OrtValue objects.
    private ExecutionTimings ExecuteNative(ReadOnlySpan<InferenceRequest> batch, long rows, long start)
    {
        var slot = 0;
        foreach (var input in batch[0].Inputs)
        {
            var spec = input.Spec!;
            _inputNames.Add(spec.Name);
            var tensor = batch.Length == 1
                ? PinInput(input, SingleInputShape(input, rows, slot))
                : Gather(batch, spec, GatheredInputShape(spec, input, rows, slot));
            slot++;
            _nativeInputs.Add(OrtDirectRun.CreateTensor(tensor.Address, tensor.Bytes, tensor.Shape, OnnxTypes.ToOnnx(tensor.DataType)));
        }

        SelectOutputs(batch[0]);
        TryPreallocateOutputs(rows);
        var inputsReady = Stopwatch.GetTimestamp();
        _directRun.Run(_runOptions, _inputNames, _nativeInputs, _outputNames, _nativeOutputs);
        var inferred = Stopwatch.GetTimestamp();
        ScatterPreallocatedOutputs(batch, rows);
        return HostTimings(start, inputsReady, inferred, Stopwatch.GetTimestamp());
    }

    // Hands each preallocated output buffer, written by the run, to the batch's responses (each its slice).
    private void ScatterPreallocatedOutputs(ReadOnlySpan<InferenceRequest> batch, long rows)
    {
        for (var i = 0; i < _outputSpecs.Count; i++)
        {
            var buffer = _outputBuffers[i]!;
            _outputBuffers[i] = null;
            Scatter(batch, rows, _outputSpecs[i], _outputShapes[i], buffer);
        }
    }

    private static ExecutionTimings HostTimings(long start, long inputsReady, long inferred, long end) => new(
        ModelVersionStatistics.ElapsedNanoseconds(start, inputsReady),
        ModelVersionStatistics.ElapsedNanoseconds(inputsReady, inferred),
        ModelVersionStatistics.ElapsedNanoseconds(inferred, end));

    private static InferenceInput Find(InferenceRequest request, TensorSpec spec)
    {
        foreach (var input in request.Inputs)
        {
            if (ReferenceEquals(input.Spec, spec))
            {
                return input;
            }
        }

        throw new InvalidOperationException($"a batched request lacks input '{spec.Name}'");
    }

    // The shape ONNX Runtime sees for one request's input, and for a batch's gathered input (rows in the first dimension).
    private long[] SingleInputShape(InferenceInput input, long rows, int slot) =>
        input.Spec!.Reshape is null ? _shapes.Get(slot, input.Shape.Dimensions) : ReshapedShape(input.Spec, rows, slot);

    private long[] GatheredInputShape(TensorSpec spec, InferenceInput firstInput, long rows, int slot) =>
        spec.Reshape is null ? _shapes.Get(slot, firstInput.Shape.Dimensions, rows) : ReshapedShape(spec, rows, slot);

    private long[] ReshapedShape(TensorSpec spec, long rows, int slot) =>
        _signature.Batches ? _shapes.Get(slot, spec.Reshape!, rows, prependBatch: true) : spec.Reshape!;

    private void SelectOutputs(InferenceRequest request)
    {
        var requested = request.RequestedOutputs;
        if (requested.Length == 0)
        {
            var outputs = _signature.Outputs;
            for (var i = 0; i < outputs.Count; i++)
            {
                _outputNames.Add(outputs[i].Name);
                _outputSpecs.Add(outputs[i]);
            }

            return;
        }

        foreach (var output in requested)
        {
            _outputNames.Add(output.Spec!.Name);
            _outputSpecs.Add(output.Spec);
        }
    }

    /// <summary>Binds every output to a pooled buffer when all their shapes are known before the run.</summary>
    private bool TryPreallocateOutputs(long rows)
    {
        foreach (var spec in _outputSpecs)
        {
            if (!HasKnownSize(spec))
            {
                return false;
            }
        }

        var slot = 100;
        foreach (var spec in _outputSpecs)
        {
            var configured = spec.Reshape ?? spec.Dimensions;
            var dims = _signature.Batches ? _shapes.Get(slot++, configured, rows, prependBatch: true) : configured;
            _outputShapes.Add(dims);
            long elements = 1;
            foreach (var d in dims)
            {
                elements = checked(elements * d);
            }

            var bytes = checked((int)(elements * spec.DataType.ElementSize()));
            var buffer = _pool.Rent(bytes);
            _outputBuffers.Add(buffer);
            if (_device is not null && bytes > 0)
            {
                // ONNX Runtime writes the output on the GPU; CopyOutputsToHost brings it into the pinned buffer.
                var deviceBuffer = _device.Rent(bytes);
                _deviceBuffers.Add(deviceBuffer);
                _deviceOutputs.Add(deviceBuffer);
                _outputValues.Add(OrtValue.CreateTensorValueWithData(_device.MemoryInfo, OnnxTypes.ToOnnx(spec.DataType), dims, deviceBuffer.Address, bytes));
                continue;
            }

            if (_device is not null)
            {
                _deviceOutputs.Add(null);
            }

            var address = bytes == 0 ? EmptyTensorAddress : buffer.Pointer;
            if (_native)
            {
                _nativeOutputs.Add(OrtDirectRun.CreateTensor(address, bytes, dims, OnnxTypes.ToOnnx(spec.DataType)));
                continue;
            }

            _outputValues.Add(OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, OnnxTypes.ToOnnx(spec.DataType), dims, address, bytes));
        }

        return true;
    }

    /// <summary>Remembers where an input's bytes are, for the copy to the GPU (a CPU instance needs nothing).</summary>
    private void NoteHostInput(HostTensor input)
    {
        if (_device is not null)
        {
            _hostInputs.Add(input);
        }
    }

    /// <summary>Replaces each host input (but BYTES and empty ones) by a device buffer filled by an asynchronous copy on the instance's stream.</summary>
    private void MoveInputsToDevice(IInstanceDevice device)
    {
        for (var i = 0; i < _hostInputs.Count; i++)
        {
            var host = _hostInputs[i];
            if (host.Bytes <= 0)
            {
                continue;
            }

            var deviceBuffer = device.Rent(checked((int)host.Bytes));
            _deviceBuffers.Add(deviceBuffer);
            device.CopyToDevice(deviceBuffer, host.Address, (int)host.Bytes);
            _hostValues.Add(_inputValues[i]);
            _inputValues[i] = OrtValue.CreateTensorValueWithData(device.MemoryInfo, OnnxTypes.ToOnnx(host.DataType), host.Shape, deviceBuffer.Address, host.Bytes);
        }
    }

    /// <summary>
    /// Runs through the binding: the inputs (device buffers, or host memory for BYTES), and either the
    /// preallocated outputs or, when their sizes are known only after the run, outputs ONNX Runtime
    /// allocates in host memory (returned; the caller disposes them; null when the outputs were bound).
    /// </summary>
    private IDisposableReadOnlyCollection<OrtValue>? RunBound(OrtIoBinding binding, bool outputsBound)
    {
        for (var i = 0; i < _inputNames.Count; i++)
        {
            binding.BindInput(_inputNames[i], _inputValues[i]);
        }

        for (var i = 0; i < _outputNames.Count; i++)
        {
            if (outputsBound)
            {
                binding.BindOutput(_outputNames[i], _outputValues[i]);
            }
            else
            {
                binding.BindOutputToDevice(_outputNames[i], OrtMemoryInfo.DefaultInstance);
            }
        }

        _session.RunWithBinding(_runOptions, binding);
        return outputsBound ? null : binding.GetOutputValues();
    }

    /// <summary>Queues the copies of the device outputs into their pinned buffers, then waits for the stream and returns its stage times.</summary>
    private ExecutionTimings CopyOutputsToHost(IInstanceDevice device)
    {
        device.Mark(ExecutionStage.Inferred);
        for (var i = 0; i < _deviceOutputs.Count; i++)
        {
            if (_deviceOutputs[i] is { } source)
            {
                device.CopyToHost(_outputBuffers[i]!.Pointer, source, source.Length);
            }
        }

        device.Mark(ExecutionStage.OutputsCopied);
        var timings = device.Complete();
        _streamPassed = true;
        return timings;
    }

    private void AddOutputs(ReadOnlySpan<InferenceRequest> batch, long rows, TensorSpec spec, OrtValue value)
    {
        var info = value.GetTensorTypeAndShape();
        var type = OnnxTypes.FromOnnx(info.ElementDataType);
        if (type != spec.DataType)
        {
            throw new InvalidOperationException(
                $"output '{spec.Name}' came back as {info.ElementDataType}, but the configuration says {spec.DataType.ToConfigString()}");
        }

        var modelShape = info.Shape;
        if (batch.Length > 1 && (modelShape.Length == 0 || modelShape[0] != rows))
        {
            throw new InvalidOperationException(
                $"output '{spec.Name}' has shape {TensorShape.Format(modelShape)} for a batch of {rows} rows; its first dimension must be the batch");
        }

        if (type == DataType.Bytes)
        {
            AddBytesOutputs(batch, spec, value, modelShape, info.ElementCount);
            return;
        }

        var source = value.GetTensorDataAsSpan<byte>();
        var buffer = _pool.Rent(source.Length);
        source.CopyTo(buffer.Span);
        Scatter(batch, rows, spec, modelShape, buffer);
    }

    /// <summary>Hands each request its rows of <paramref name="buffer"/> (whole, for a single request).</summary>
    private void Scatter(ReadOnlySpan<InferenceRequest> batch, long rows, TensorSpec spec, long[] modelShape, PinnedBuffer buffer)
    {
        if (batch.Length == 1)
        {
            batch[0].AddOutput(spec, ClientShape(spec, modelShape, batch[0].BatchSize), buffer);
            return;
        }

        var bytesPerRow = buffer.Length / rows;
        var shared = SharedPinnedBuffer.Create(buffer, batch.Length);
        long offset = 0;
        foreach (var request in batch)
        {
            var length = request.BatchSize * bytesPerRow;
            request.AddSharedOutput(spec, ClientShape(spec, modelShape, request.BatchSize), shared, (int)offset, (int)length);
            offset += length;
        }
    }

    private void AddBytesOutputs(ReadOnlySpan<InferenceRequest> batch, TensorSpec spec, OrtValue value, long[] modelShape, long elementCount)
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
                total += BytesTensor.PrefixSize + value.GetStringElementAsSpan((int)i).Length;
            }

            var buffer = _pool.Rent(checked((int)total));
            var destination = buffer.Span;
            for (var i = element; i < element + count; i++)
            {
                destination = destination[BytesTensor.WriteElement(destination, value.GetStringElementAsSpan((int)i))..];
            }

            element += count;
            request.AddOutput(spec, ClientShape(spec, modelShape, request.BatchSize), buffer);
        }
    }

    // The client sees the configured dims (not the model's when reshaped), with its own rows first;
    // without a reshape, or when the configured dims are not all fixed, the model's shape is what it gets.
    private TensorShape ClientShape(TensorSpec spec, long[] modelShape, long requestRows)
    {
        if (spec.Reshape is not null && spec.HasFixedDimensions)
        {
            return TensorShape.Create(_signature.Batches ? [requestRows, .. spec.Dimensions] : spec.Dimensions);
        }

        var shape = TensorShape.Create(modelShape);
        return _signature.Batches && modelShape.Length > 0 ? shape.WithFirstDimension(requestRows) : shape;
    }

    private void Cleanup()
    {
        if (_device is not null && _deviceBuffers.Count > 0 && !_streamPassed)
        {
            // A failed run may leave copies queued that still read pinned buffers or write device ones:
            // let the stream pass them before either goes back to its pool.
            _device.WaitForStream();
        }

        _streamPassed = false;
        _binding?.ClearBoundInputs();
        _binding?.ClearBoundOutputs();

        foreach (var buffer in _deviceBuffers)
        {
            buffer.Dispose();
        }

        foreach (var value in _hostValues)
        {
            value.Dispose();
        }

        foreach (var value in _inputValues)
        {
            value.Dispose();
        }

        foreach (var value in _outputValues)
        {
            value.Dispose();
        }

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

        foreach (var pin in _pins)
        {
            pin.Dispose();
        }

        foreach (var buffer in _gathered)
        {
            buffer.Dispose();
        }

        // Output buffers not handed to a request (the run failed) go back to the pool.
        foreach (var buffer in _outputBuffers)
        {
            buffer?.Dispose();
        }

        _deviceBuffers.Clear();
        _deviceOutputs.Clear();
        _hostValues.Clear();
        _hostInputs.Clear();
        _inputValues.Clear();
        _outputValues.Clear();
        _outputBuffers.Clear();
        _outputShapes.Clear();
        _inputNames.Clear();
        _pins.Clear();
        _gathered.Clear();
        _outputNames.Clear();
        _outputSpecs.Clear();
    }

    public void Dispose()
    {
        _runOptions.Dispose();
        _directRun.Dispose();
        _binding?.Dispose();
        _session.Dispose();
        _device?.Dispose();
        _ownOptions?.Dispose();
    }

    /// <summary>Where one input's bytes are in host memory, for the copy to the GPU. <see cref="HostOnly"/>: a BYTES tensor, which stays on the host.</summary>
    private readonly record struct HostTensor(nint Address, long Bytes, DataType DataType, long[] Shape)
    {
        public static HostTensor HostOnly => new(0, -1, DataType.Bytes, []);
    }
}
