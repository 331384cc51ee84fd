using Inference;
using InferenceServer.Core.Models;
using InferenceServer.Core.Tensors;
using Microsoft.ML.OnnxRuntime;
using DataType = InferenceServer.Core.Tensors.DataType;

namespace InferenceServer.OnnxRuntime;

/// <summary>
/// Completes a model config from the ONNX model like Triton's auto-complete (brief §5.13) and checks
/// that what the config states agrees with the model. Only missing pieces are filled in.
/// </summary>
internal static class OnnxAutoComplete
{
    /// <summary>Triton's <c>default-max-batch-size</c> backend setting.</summary>
    public const int DefaultMaxBatchSize = 4;

    /// <summary>Triton's default instance count for KIND_CPU groups of the ONNX Runtime backend.</summary>
    public const int DefaultCpuInstanceCount = 2;

    public static void Complete(ModelConfig config, InferenceSession session, string modelFileName)
    {
        if (config.Backend.Length == 0)
        {
            config.Backend = OnnxRuntimeBackend.BackendName;
        }

        if (config.Platform.Length == 0)
        {
            config.Platform = OnnxRuntimeBackend.PlatformName;
        }

        if (config.DefaultModelFilename.Length == 0)
        {
            config.DefaultModelFilename = modelFileName;
        }

        // A sequence model's control and state tensors are the server's to feed and read, never configured inputs or outputs.
        var serverTensors = ServerTensorNames(config);
        var modelInputs = Tensors(session.InputMetadata).Where(t => !serverTensors.Contains(t.Name)).ToList();
        var modelOutputs = Tensors(session.OutputMetadata).Where(t => !serverTensors.Contains(t.Name)).ToList();
        // As Triton's ONNX backend: inputs, outputs, max_batch_size and dynamic batching are filled in only
        // when the config lacks inputs or outputs; a config that lists both is taken as written.
        var fillsInterface = config.Input.Count == 0 || config.Output.Count == 0;
        if (fillsInterface)
        {
            var canBatch = modelInputs.Concat(modelOutputs).All(t => t.Dims.Length >= 1 && t.Dims[0] == -1);
            if (canBatch && config.MaxBatchSize == 0)
            {
                config.MaxBatchSize = DefaultMaxBatchSize;
            }
            else if (!canBatch && config.MaxBatchSize > 0)
            {
                throw new ModelLoadException(
                    $"model '{config.Name}': max_batch_size is {config.MaxBatchSize} but the model cannot batch: every input and output needs a variable first dimension");
            }
        }

        var batching = config.MaxBatchSize > 0;
        if (config.Input.Count == 0)
        {
            foreach (var tensor in modelInputs)
            {
                var input = new ModelInput { Name = tensor.Name, DataType = (global::Inference.DataType)(int)tensor.DataType };
                SetDims(tensor, batching, input.Dims, reshape => input.Reshape = reshape);
                config.Input.Add(input);
            }
        }

        if (config.Output.Count == 0)
        {
            foreach (var tensor in modelOutputs)
            {
                var output = new ModelOutput { Name = tensor.Name, DataType = (global::Inference.DataType)(int)tensor.DataType };
                SetDims(tensor, batching, output.Dims, reshape => output.Reshape = reshape);
                config.Output.Add(output);
            }
        }

        foreach (var input in config.Input)
        {
            var tensor = Match(config, "input", input.Name, modelInputs);
            CompleteEntry(config, "input", tensor, batching, input.DataType, t => input.DataType = t, input.Dims, input.Reshape is not null);
        }

        foreach (var output in config.Output)
        {
            var tensor = Match(config, "output", output.Name, modelOutputs);
            CompleteEntry(config, "output", tensor, batching, output.DataType, t => output.DataType = t, output.Dims, output.Reshape is not null);
        }

        if (fillsInterface && config.MaxBatchSize > 1 && config.SchedulingChoiceCase == ModelConfig.SchedulingChoiceOneofCase.None)
        {
            config.DynamicBatching = new ModelDynamicBatching();
        }

        CompleteInstanceGroups(config);
    }

    /// <summary>Checks that every tensor the server feeds or reads for a sequence model is one of the model's, of the same type.</summary>
    public static void CheckServerTensors(ModelConfig config, InferenceSession session, ModelSignature signature)
    {
        var modelInputs = Tensors(session.InputMetadata);
        var modelOutputs = Tensors(session.OutputMetadata);
        foreach (var spec in signature.ServerInputs)
        {
            CheckServerTensor(config, "input", spec, modelInputs);
        }

        foreach (var spec in signature.StateOutputs)
        {
            CheckServerTensor(config, "output", spec, modelOutputs);
        }
    }

    private static void CheckServerTensor(ModelConfig config, string kind, TensorSpec spec, List<OnnxTensor> tensors)
    {
        var tensor = tensors.FirstOrDefault(t => t.Name == spec.Name) ?? throw new ModelLoadException(
            $"model '{config.Name}': sequence_batching names {kind} '{spec.Name}', which the model does not have; the model's {kind}s are: {string.Join(", ", tensors.Select(t => t.Name))}");
        if (tensor.DataType != spec.DataType)
        {
            throw new ModelLoadException(
                $"model '{config.Name}': sequence_batching gives {kind} '{spec.Name}' type {spec.DataType.ToConfigString()} but the model has {tensor.DataType.ToConfigString()}");
        }
    }

    private static HashSet<string> ServerTensorNames(ModelConfig config)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (config.SequenceBatching is { } sequence)
        {
            names.UnionWith(sequence.ControlInput.Select(c => c.Name));
            names.UnionWith(sequence.State.Select(s => s.InputName));
            names.UnionWith(sequence.State.Select(s => s.OutputName).Where(name => config.Output.All(o => o.Name != name)));
        }

        return names;
    }

    private static void CompleteInstanceGroups(ModelConfig config)
    {
        if (config.InstanceGroup.Count == 0)
        {
            config.InstanceGroup.Add(new ModelInstanceGroup { Kind = ModelInstanceGroup.Types.Kind.Cpu });
        }

        for (var i = 0; i < config.InstanceGroup.Count; i++)
        {
            var group = config.InstanceGroup[i];
            if (group.Name.Length == 0)
            {
                group.Name = $"{config.Name}_{i}";
            }

            if (group.Kind == ModelInstanceGroup.Types.Kind.Auto)
            {
                // This build runs ONNX Runtime on the CPU; KIND_AUTO picks what is there.
                group.Kind = ModelInstanceGroup.Types.Kind.Cpu;
            }

            if (group.Count < 1)
            {
                group.Count = group.Kind == ModelInstanceGroup.Types.Kind.Cpu ? DefaultCpuInstanceCount : 1;
            }
        }
    }

    private static void CompleteEntry(ModelConfig config, string kind, OnnxTensor tensor, bool batching, global::Inference.DataType configured, Action<global::Inference.DataType> setType, Google.Protobuf.Collections.RepeatedField<long> dims, bool reshaped)
    {
        if (configured == global::Inference.DataType.TypeInvalid)
        {
            setType((global::Inference.DataType)(int)tensor.DataType);
        }
        else if ((DataType)(int)configured != tensor.DataType)
        {
            throw new ModelLoadException(
                $"model '{config.Name}': {kind} '{tensor.Name}' is configured as {((DataType)(int)configured).ToConfigString()} but the model has {tensor.DataType.ToConfigString()}");
        }

        if (batching && (tensor.Dims.Length == 0 || tensor.Dims[0] != -1))
        {
            // As Triton: a batching model needs every tensor's first dimension to be variable.
            throw new ModelLoadException(
                $"model '{config.Name}': max_batch_size is {config.MaxBatchSize} but {kind} '{tensor.Name}' has shape {TensorShape.Format(tensor.Dims)} in the model, " +
                "so the model cannot batch: its first dimension must be -1");
        }

        if (dims.Count == 0)
        {
            SetDims(tensor, batching, dims, _ => { });
            return;
        }

        var expectedRank = tensor.Dims.Length - (batching ? 1 : 0);
        if (!reshaped && tensor.Dims.Length > 0 && dims.Count != expectedRank)
        {
            throw new ModelLoadException(
                $"model '{config.Name}': {kind} '{tensor.Name}' has {dims.Count} configured dims but the model's shape {TensorShape.Format(tensor.Dims)} " +
                $"means {expectedRank}{(batching ? " without the batch dimension" : "")}");
        }

        // As Triton: a dimension the model fixes must be configured with that size.
        var modelDims = tensor.Dims.AsSpan(batching ? 1 : 0);
        for (var i = 0; !reshaped && i < modelDims.Length && i < dims.Count; i++)
        {
            if (modelDims[i] != -1 && modelDims[i] != dims[i])
            {
                throw new ModelLoadException(
                    $"model '{config.Name}': {kind} '{tensor.Name}' has dims {TensorShape.Format([.. dims])} in the configuration but the model's shape is " +
                    $"{TensorShape.Format(tensor.Dims)}{(batching ? " (with the batch dimension)" : "")}");
            }
        }
    }

    private static void SetDims(OnnxTensor tensor, bool batching, Google.Protobuf.Collections.RepeatedField<long> dims, Action<ModelTensorReshape> setReshape)
    {
        var source = batching ? tensor.Dims.AsSpan(1) : tensor.Dims;
        if (source.Length == 0)
        {
            dims.Add(1);
            if (batching)
            {
                setReshape(new ModelTensorReshape());
            }

            return;
        }

        foreach (var d in source)
        {
            dims.Add(d);
        }
    }

    private static OnnxTensor Match(ModelConfig config, string kind, string name, List<OnnxTensor> tensors)
    {
        foreach (var tensor in tensors)
        {
            if (tensor.Name == name)
            {
                return tensor;
            }
        }

        throw new ModelLoadException(
            $"model '{config.Name}': unexpected {kind} '{name}' in the configuration; the model's {kind}s are: {string.Join(", ", tensors.Select(t => t.Name))}");
    }

    private static List<OnnxTensor> Tensors(IReadOnlyDictionary<string, NodeMetadata> metadata)
    {
        var tensors = new List<OnnxTensor>(metadata.Count);
        foreach (var (name, node) in metadata)
        {
            if (!node.IsTensor)
            {
                throw new ModelLoadException($"model tensor '{name}' is a {node.OnnxValueType}; only tensors can be served");
            }

            var type = OnnxTypes.FromOnnx(node.ElementDataType);
            if (type == DataType.Invalid)
            {
                throw new ModelLoadException($"model tensor '{name}' has element type {node.ElementDataType}, which the protocol cannot carry");
            }

            tensors.Add(new OnnxTensor(name, type, node.Dimensions.Select(d => d < 0 ? -1L : d).ToArray()));
        }

        return tensors;
    }

    private sealed record OnnxTensor(string Name, DataType DataType, long[] Dims);
}
