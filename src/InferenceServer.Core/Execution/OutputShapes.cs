using InferenceServer.Core.Models;
using InferenceServer.Core.Tensors;

namespace InferenceServer.Core.Execution;

/// <summary>The rules that relate an output's configured dims, the shape the model gave it, and the shape each client sees.</summary>
internal static class OutputShapes
{
    /// <summary>
    /// Whether an output's size is known before the run (numeric, every dimension fixed but the batch), so a pooled
    /// buffer can be handed to the runtime to write it.
    /// </summary>
    public static bool HasKnownSize(TensorSpec output) =>
        output.DataType != DataType.Bytes && Array.TrueForAll(output.Reshape ?? output.Dimensions, d => d >= 0);

    /// <summary>
    /// The shape one request of the batch sees. The client sees the configured dims (not the model's when reshaped),
    /// with its own rows first; without a reshape, or when the configured dims are not all fixed, the model's shape
    /// is what it gets.
    /// </summary>
    public static TensorShape ForClient(TensorSpec spec, long[] modelShape, long requestRows, bool batches)
    {
        if (spec.Reshape is not null && spec.HasFixedDimensions)
        {
            return TensorShape.Create(batches ? [requestRows, .. spec.Dimensions] : spec.Dimensions);
        }

        var shape = TensorShape.Create(modelShape);
        return batches && modelShape.Length > 0 ? shape.WithFirstDimension(requestRows) : shape;
    }

    /// <summary>An output of a batch of several requests must have the batch's rows first, or it cannot be split among them.</summary>
    public static void EnsureBatchFirst(TensorSpec spec, long[] modelShape, long rows, int requestCount)
    {
        if (requestCount > 1 && (modelShape.Length == 0 || modelShape[0] != rows))
        {
            throw new InvalidOperationException(
                $"output '{spec.Name}' has shape {TensorShape.Format(modelShape)} for a batch of {rows} rows; its first dimension must be the batch");
        }
    }
}
