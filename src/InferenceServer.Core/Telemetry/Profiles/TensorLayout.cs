using InferenceServer.Core.Models;
using InferenceServer.Core.Tensors;

namespace InferenceServer.Core.Telemetry.Profiles;

/// <summary>
/// How a tensor's elements map to profiled features: a <c>[batch, F]</c> tensor (or a non-batching <c>[N, F]</c>)
/// with F up to the column cap gets one feature per column; anything else one feature for the whole tensor. BF16 is
/// not profiled.
/// </summary>
public sealed record TensorLayout(string Name, bool IsInput, int Index, DataType DataType, int FeatureCount, bool PerColumn)
{
    public static TensorLayout? For(TensorSpec spec, bool isInput, bool batches, int columnCap)
    {
        if (spec.DataType is DataType.Bf16 or DataType.Invalid)
        {
            return null;
        }

        var dims = spec.Dimensions;
        var columns = batches && dims.Length == 1 ? dims[0] : !batches && dims.Length == 2 ? dims[1] : -1;
        return columns > 0 && columns <= columnCap
            ? new TensorLayout(spec.Name, isInput, spec.Index, spec.DataType, (int)columns, PerColumn: true)
            : new TensorLayout(spec.Name, isInput, spec.Index, spec.DataType, 1, PerColumn: false);
    }

    /// <summary>"input" or "output", for labels and JSON.</summary>
    public string Kind => IsInput ? "input" : "output";

    /// <summary>Text (BYTES) and BOOL features are always categorical (<see cref="CategoricalFeatures"/>).</summary>
    public bool AlwaysCategorical => DataType is DataType.Bytes or DataType.Bool;

    /// <summary>Its features' categories are counted: text, BOOL and integer tensors.</summary>
    public bool CountsCategories => AlwaysCategorical || DataType is DataType.UInt8 or DataType.Int8 or DataType.UInt16
        or DataType.Int16 or DataType.UInt32 or DataType.Int32 or DataType.UInt64 or DataType.Int64;
}
