using InferenceServer.Core.Execution;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Memory;
using InferenceServer.Core.Models;
using InferenceServer.Core.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace InferenceServer.OnnxRuntime;

/// <summary>
/// Outputs that ONNX Runtime allocated itself (their size known only after the run), copied once into pooled
/// buffers and handed to the batch's requests.
/// </summary>
internal static class OrtResultOutputs
{
    public static void Add(ReadOnlySpan<InferenceRequest> batch, long rows, TensorSpec spec, OrtValue value, PinnedBufferPool pool, bool batches)
    {
        var info = value.GetTensorTypeAndShape();
        var type = OnnxTypes.FromOnnx(info.ElementDataType);
        if (type != spec.DataType)
        {
            throw new InvalidOperationException(
                $"output '{spec.Name}' came back as {info.ElementDataType}, but the configuration says {spec.DataType.ToConfigString()}");
        }

        var modelShape = info.Shape;
        OutputShapes.EnsureBatchFirst(spec, modelShape, rows, batch.Length);
        if (type == DataType.Bytes)
        {
            BytesOutputPacker.Pack(batch, spec, new StringElements(value), modelShape, info.ElementCount, pool, batches);
            return;
        }

        var source = value.GetTensorDataAsSpan<byte>();
        var buffer = pool.Rent(source.Length);
        source.CopyTo(buffer.Span);
        OutputScatter.Scatter(batch, rows, spec, modelShape, buffer, batches);
    }

    /// <summary>A string tensor's elements, as UTF-8 bytes.</summary>
    private readonly struct StringElements(OrtValue value) : IBytesElements
    {
        public ReadOnlySpan<byte> Element(int index) => value.GetStringElementAsSpan(index);
    }
}
