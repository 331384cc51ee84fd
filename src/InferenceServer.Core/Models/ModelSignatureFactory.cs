using Inference;
using InferenceServer.Core.Tensors;

namespace InferenceServer.Core.Models;

/// <summary>Builds and checks a <see cref="ModelSignature"/> from a completed model config.</summary>
public static class ModelSignatureFactory
{
    /// <summary>
    /// The largest <c>max_batch_size</c> a model may declare. The statistics and each instance's batch hold
    /// one slot per row up to it (8 MiB each here), so an int32-sized value would fail the load with an
    /// out-of-memory error, or quietly hold gigabytes, instead of naming the field.
    /// </summary>
    public const int MaxSupportedBatchSize = 1 << 20;

    /// <summary>Throws <see cref="ModelLoadException"/> naming the offending field.</summary>
    public static ModelSignature FromConfig(ModelConfig config)
    {
        if (config.MaxBatchSize < 0)
        {
            throw new ModelLoadException($"model '{config.Name}': max_batch_size must be >= 0, got {config.MaxBatchSize}");
        }

        if (config.MaxBatchSize > MaxSupportedBatchSize)
        {
            throw new ModelLoadException($"model '{config.Name}': max_batch_size {config.MaxBatchSize} is more than the {MaxSupportedBatchSize} supported");
        }

        if (config.Input.Count == 0)
        {
            throw new ModelLoadException($"model '{config.Name}': the configuration has no inputs");
        }

        if (config.Output.Count == 0)
        {
            throw new ModelLoadException($"model '{config.Name}': the configuration has no outputs");
        }

        var inputs = new List<TensorSpec>(config.Input.Count);
        foreach (var input in config.Input)
        {
            inputs.Add(Spec(config, "input", input.Name, input.DataType, input.Dims, input.Reshape, inputs.Count, input.Optional));
        }

        var outputs = new List<TensorSpec>(config.Output.Count);
        foreach (var output in config.Output)
        {
            outputs.Add(Spec(config, "output", output.Name, output.DataType, output.Dims, output.Reshape, outputs.Count, optional: false));
        }

        CheckUnique(config, "input", inputs);
        CheckUnique(config, "output", outputs);
        var sequence = config.SequenceBatching is null ? null : Scheduling.Sequences.SequenceTensors.FromConfig(config, inputs, outputs);
        return new ModelSignature(config.MaxBatchSize, inputs, outputs, sequence);
    }

    private static TensorSpec Spec(ModelConfig config, string kind, string name, global::Inference.DataType dataType, Google.Protobuf.Collections.RepeatedField<long> dims, ModelTensorReshape? reshape, int index, bool optional)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new ModelLoadException($"model '{config.Name}': {kind} {index} has no name");
        }

        var type = (Tensors.DataType)(int)dataType;
        if (type == Tensors.DataType.Invalid || !Enum.IsDefined(type))
        {
            throw new ModelLoadException($"model '{config.Name}': {kind} '{name}' has no valid data_type (got {dataType})");
        }

        if (dims.Count == 0)
        {
            throw new ModelLoadException($"model '{config.Name}': {kind} '{name}' must have at least one dimension in dims");
        }

        if (dims.Count + (config.MaxBatchSize > 0 ? 1 : 0) > TensorShape.MaxRank)
        {
            throw new ModelLoadException($"model '{config.Name}': {kind} '{name}' has rank above the supported {TensorShape.MaxRank}");
        }

        foreach (var d in dims)
        {
            if (d < -1)
            {
                throw new ModelLoadException($"model '{config.Name}': {kind} '{name}' has dimension {d}; dims must be -1 or >= 0");
            }
        }

        return new TensorSpec(name, type, [.. dims], index, reshape is null ? null : [.. reshape.Shape], optional);
    }

    private static void CheckUnique(ModelConfig config, string kind, List<TensorSpec> specs)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var spec in specs)
        {
            if (!seen.Add(spec.Name))
            {
                throw new ModelLoadException($"model '{config.Name}': {kind} '{spec.Name}' is declared more than once");
            }
        }
    }
}
