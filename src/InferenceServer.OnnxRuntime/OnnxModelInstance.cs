using System.Buffers;
using System.Diagnostics;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Memory;
using InferenceServer.Core.Models;
using InferenceServer.Core.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace InferenceServer.OnnxRuntime;

/// <summary>
/// One ONNX Runtime session serving requests on its scheduler's dedicated thread. Inputs are handed
/// to ONNX Runtime in place (OrtValues over the request's pinned memory, no copy); outputs are copied
/// once into pooled pinned buffers the response owns. All scratch lists are per instance and reused,
/// because an instance runs one request at a time.
/// </summary>
internal sealed unsafe class OnnxModelInstance : IModelInstance
{
    // ONNX Runtime wants a non-null address even for a zero-size tensor.
    private static readonly IntPtr EmptyTensorAddress = (IntPtr)System.Runtime.InteropServices.NativeMemory.AlignedAlloc(64, 64);

    private readonly InferenceSession _session;
    private readonly ModelSignature _signature;
    private readonly PinnedBufferPool _pool;
    private readonly RunOptions _runOptions = new();
    private readonly List<string> _inputNames = [];
    private readonly List<OrtValue> _inputValues = [];
    private readonly List<MemoryHandle> _pins = [];
    private readonly List<string> _outputNames = [];
    private readonly List<TensorSpec> _outputSpecs = [];

    public OnnxModelInstance(string name, InferenceSession session, ModelSignature signature, PinnedBufferPool pool)
    {
        Name = name;
        _session = session;
        _signature = signature;
        _pool = pool;
    }

    public string Name { get; }

    public void Execute(InferenceRequest request)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            foreach (var input in request.Inputs)
            {
                _inputNames.Add(input.Spec!.Name);
                _inputValues.Add(CreateInput(input, request.BatchSize));
            }

            SelectOutputs(request);
            var inputsReady = Stopwatch.GetTimestamp();
            using var results = _session.Run(_runOptions, _inputNames, _inputValues, _outputNames);
            var inferred = Stopwatch.GetTimestamp();
            var index = 0;
            foreach (var value in results)
            {
                AddOutput(request, _outputSpecs[index++], value);
            }

            var end = Stopwatch.GetTimestamp();
            request.Version!.Statistics.RecordExecution(
                request.BatchSize,
                ModelVersionStatistics.ElapsedNanoseconds(start, inputsReady),
                ModelVersionStatistics.ElapsedNanoseconds(inputsReady, inferred),
                ModelVersionStatistics.ElapsedNanoseconds(inferred, end),
                request.Version.Time);
        }
        catch (OnnxRuntimeException ex)
        {
            // The request passed the config's checks but the model itself refused it (e.g. a -1
            // dimension the graph cannot take): the caller's input is at fault, not the server.
            request.Fail(InferenceError.InvalidArgument($"model '{request.Version?.Name}' rejected the request: {ex.Message}"));
        }
        finally
        {
            Cleanup();
        }
    }

    private OrtValue CreateInput(InferenceInput input, long batchSize)
    {
        var spec = input.Spec!;
        var shape = spec.Reshape is null ? input.Shape.ToArray()
            : _signature.Batches ? [batchSize, .. spec.Reshape] : spec.Reshape;
        if (input.DataType == DataType.Bytes)
        {
            var value = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, shape);
            var data = input.Data.Span;
            var count = (int)input.Shape.ElementCount;
            for (var i = 0; i < count; i++)
            {
                value.StringTensorSetElementAt(BytesTensor.ReadElement(ref data), i);
            }

            return value;
        }

        var handle = input.Data.Pin();
        _pins.Add(handle);
        var address = input.Data.Length == 0 ? EmptyTensorAddress : (IntPtr)handle.Pointer;
        return OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, OnnxTypes.ToOnnx(input.DataType), shape, address, input.Data.Length);
    }

    private void SelectOutputs(InferenceRequest request)
    {
        var requested = request.RequestedOutputs;
        if (requested.Length == 0)
        {
            foreach (var spec in _signature.Outputs)
            {
                _outputNames.Add(spec.Name);
                _outputSpecs.Add(spec);
            }

            return;
        }

        foreach (var output in requested)
        {
            _outputNames.Add(output.Spec!.Name);
            _outputSpecs.Add(output.Spec);
        }
    }

    private void AddOutput(InferenceRequest request, TensorSpec spec, OrtValue value)
    {
        var info = value.GetTensorTypeAndShape();
        var type = OnnxTypes.FromOnnx(info.ElementDataType);
        if (type != spec.DataType)
        {
            throw new InvalidOperationException(
                $"output '{spec.Name}' came back as {info.ElementDataType}, but the configuration says {spec.DataType.ToConfigString()}");
        }

        var shape = ClientShape(spec, info.Shape, request.BatchSize);
        PinnedBuffer buffer;
        if (type == DataType.Bytes)
        {
            var count = (int)info.ElementCount;
            long total = 0;
            for (var i = 0; i < count; i++)
            {
                total += BytesTensor.PrefixSize + value.GetStringElementAsSpan(i).Length;
            }

            buffer = _pool.Rent(checked((int)total));
            var destination = buffer.Span;
            for (var i = 0; i < count; i++)
            {
                destination = destination[BytesTensor.WriteElement(destination, value.GetStringElementAsSpan(i))..];
            }
        }
        else
        {
            var source = value.GetTensorDataAsSpan<byte>();
            buffer = _pool.Rent(source.Length);
            source.CopyTo(buffer.Span);
        }

        request.AddOutput(spec, shape, buffer);
    }

    // With a reshape the client sees the configured dims, not the model's; fall back to the model's
    // shape when the configured dims are not all fixed.
    private TensorShape ClientShape(TensorSpec spec, long[] modelShape, long batchSize)
    {
        if (spec.Reshape is null || !spec.HasFixedDimensions)
        {
            return TensorShape.Create(modelShape);
        }

        return TensorShape.Create(_signature.Batches ? [batchSize, .. spec.Dimensions] : spec.Dimensions);
    }

    private void Cleanup()
    {
        foreach (var value in _inputValues)
        {
            value.Dispose();
        }

        foreach (var pin in _pins)
        {
            pin.Dispose();
        }

        _inputValues.Clear();
        _inputNames.Clear();
        _pins.Clear();
        _outputNames.Clear();
        _outputSpecs.Clear();
    }

    public void Dispose()
    {
        _runOptions.Dispose();
        _session.Dispose();
    }
}
