using System.Diagnostics.CodeAnalysis;
using Inference;
using InferenceServer.Core.Models;
using InferenceServer.Core.Tensors;
using DataType = InferenceServer.Core.Tensors.DataType;

namespace InferenceServer.Core.Ensembles;

/// <summary>
/// Checks an ensemble config at load, in two passes that each throw <see cref="ModelLoadException"/> naming the step and
/// tensor: <see cref="Plan"/> builds the graph from the config alone (one writer per tensor, every read tensor written,
/// no cycle, every ensemble output written), then <see cref="CheckComposing"/> holds each step against the composing
/// model it resolves to (known and ready, tensor names, datatypes, shapes, <c>max_batch_size</c>: Triton's rules).
/// </summary>
internal static class EnsemblePlanner
{
    /// <summary>The platform name of an ensemble in <c>config.pbtxt</c>.</summary>
    public const string Platform = "ensemble";

    /// <summary>Whether the config describes an ensemble (its platform, backend or scheduling says so).</summary>
    public static bool IsEnsemble(ModelConfig config) =>
        config.Platform == Platform || config.Backend == Platform || config.SchedulingChoiceCase == ModelConfig.SchedulingChoiceOneofCase.EnsembleScheduling;

    /// <summary>The graph of the config's steps; throws naming the first step or tensor that makes it unusable.</summary>
    public static EnsemblePlan Plan(ModelConfig config, ModelSignature signature)
    {
        var name = config.Name;
        if (config.Platform != Platform)
        {
            Fail(name, $"ensemble_scheduling needs platform: \"{Platform}\" (got platform \"{config.Platform}\"{(config.Backend.Length > 0 ? $", backend \"{config.Backend}\"" : "")})");
        }

        var configured = config.EnsembleScheduling?.Step;
        if (configured is null || configured.Count == 0)
        {
            Fail(name, $"platform \"{Platform}\" needs ensemble_scheduling with at least one step");
        }

        // Tensor ids: the ensemble's inputs first (written by the caller: writer -1), then each step output in order.
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var writers = new List<int>();
        var inputTensors = new int[signature.Inputs.Count];
        foreach (var input in signature.Inputs)
        {
            inputTensors[input.Index] = ids.Count;
            ids.Add(input.Name, ids.Count);
            writers.Add(-1);
        }

        var outputs = new EnsembleBinding[configured!.Count][];
        for (var i = 0; i < configured.Count; i++)
        {
            var step = configured[i];
            if (step.ModelName.Length == 0)
            {
                Fail(name, $"step {i} has no model_name");
            }

            if (step.OutputMap.Count == 0)
            {
                Fail(name, $"step {i} (model '{step.ModelName}') has an empty output_map: it would write nothing");
            }

            var bindings = new List<EnsembleBinding>(step.OutputMap.Count);
            foreach (var (modelTensor, tensor) in step.OutputMap.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                if (ids.TryGetValue(tensor, out var existing))
                {
                    Fail(name, writers[existing] < 0
                        ? $"step {i} (model '{step.ModelName}') writes '{tensor}', which is an ensemble input"
                        : $"tensor '{tensor}' is written by both step {writers[existing]} (model '{configured[writers[existing]].ModelName}') and step {i} (model '{step.ModelName}')");
                }

                ids.Add(tensor, ids.Count);
                writers.Add(i);
                bindings.Add(new EnsembleBinding(modelTensor, tensor, ids[tensor]));
            }

            outputs[i] = [.. bindings];
        }

        var steps = new EnsembleStep[configured.Count];
        var readers = Enumerable.Range(0, configured.Count).Select(_ => new SortedSet<int>()).ToArray();
        for (var i = 0; i < configured.Count; i++)
        {
            var step = configured[i];
            var inputs = new List<EnsembleBinding>(step.InputMap.Count);
            var waitsFor = new SortedSet<int>();
            foreach (var (modelTensor, tensor) in step.InputMap.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                if (!ids.TryGetValue(tensor, out var id))
                {
                    Fail(name, $"step {i} (model '{step.ModelName}') reads tensor '{tensor}' (for its input '{modelTensor}'), which is neither an ensemble input nor in any step's output_map");
                }

                inputs.Add(new EnsembleBinding(modelTensor, tensor, id));
                if (writers[id] >= 0)
                {
                    waitsFor.Add(writers[id]);
                    readers[writers[id]].Add(i);
                }
            }

            steps[i] = new EnsembleStep(i, step.ModelName, step.ModelVersion, [.. inputs], outputs[i]) { WaitsFor = waitsFor.Count };
        }

        for (var i = 0; i < steps.Length; i++)
        {
            steps[i].Consumers = [.. readers[i]];
        }

        CheckAcyclic(name, steps, writers);
        var outputTensors = new int[signature.Outputs.Count];
        foreach (var output in signature.Outputs)
        {
            if (!ids.TryGetValue(output.Name, out var id) || writers[id] < 0)
            {
                Fail(name, $"ensemble output '{output.Name}' is not in any step's output_map (unmapped)");
            }

            outputTensors[output.Index] = id;
        }

        var names = new string[ids.Count];
        foreach (var (tensor, id) in ids)
        {
            names[id] = tensor;
        }

        return new EnsemblePlan(name, steps, names, inputTensors, outputTensors, [.. steps.Where(s => s.WaitsFor == 0).Select(s => s.Index)]);
    }

    // Kahn's order: whatever never becomes ready waits, directly or not, on itself.
    private static void CheckAcyclic(string name, EnsembleStep[] steps, List<int> writers)
    {
        var waiting = steps.Select(s => s.WaitsFor).ToArray();
        var ready = new Queue<int>(steps.Where(s => s.WaitsFor == 0).Select(s => s.Index));
        var done = 0;
        while (ready.TryDequeue(out var step))
        {
            done++;
            foreach (var consumer in steps[step].Consumers)
            {
                if (--waiting[consumer] == 0)
                {
                    ready.Enqueue(consumer);
                }
            }
        }

        if (done == steps.Length)
        {
            return;
        }

        var links = steps.Where(s => waiting[s.Index] > 0).Select(s =>
        {
            var read = s.Inputs.First(b => writers[b.Tensor] >= 0 && waiting[writers[b.Tensor]] > 0);
            return $"step {s.Index} (model '{s.ModelName}') reads '{read.EnsembleTensor}' written by step {writers[read.Tensor]}";
        });
        Fail(name, $"the steps form a cycle: {string.Join("; ", links)}");
    }

    /// <summary>
    /// Holds each step against its composing model as <paramref name="resolve"/> finds it now (null: not loaded, with
    /// the reason); throws naming the step and tensor of the first mismatch.
    /// </summary>
    public static void CheckComposing(EnsemblePlan plan, ModelSignature signature, Func<EnsembleStep, (ModelVersion? Version, string Reason)> resolve)
    {
        var name = plan.EnsembleName;
        var types = new DataType[plan.TensorNames.Length];
        var shapes = new long[plan.TensorNames.Length][];
        var sources = new string[plan.TensorNames.Length];
        foreach (var input in signature.Inputs)
        {
            var id = plan.InputTensors[input.Index];
            types[id] = input.DataType;
            shapes[id] = signature.PublicShape(input);
            sources[id] = "ensemble input";
        }

        var composing = new ModelSignature[plan.Steps.Length];
        foreach (var step in plan.Steps)
        {
            var (version, reason) = resolve(step);
            if (version is null)
            {
                Fail(name, $"{step.Describe()}: the composing model is not ready: {reason}");
            }

            if (version!.Sequences is not null)
            {
                Fail(name, $"{step.Describe()}: the composing model is a sequence model (sequence_batching), which this server does not run inside an ensemble");
            }

            var model = version.Signature;
            composing[step.Index] = model;
            if (signature.Batches && model.MaxBatchSize < signature.MaxBatchSize)
            {
                Fail(name, $"max_batch_size {signature.MaxBatchSize} is more than {step.Describe()} allows (max_batch_size {model.MaxBatchSize}); an ensemble's max_batch_size must be at most each composing model's");
            }

            foreach (var binding in step.Outputs)
            {
                var output = model.FindOutput(binding.ModelTensor);
                if (output is null)
                {
                    Fail(name, $"{step.Describe()} maps output '{binding.ModelTensor}', which the model does not have (outputs: {ModelSignature.FormatNames(model.Outputs.Select(o => o.Name))})");
                }

                types[binding.Tensor] = output!.DataType;
                shapes[binding.Tensor] = model.PublicShape(output);
                sources[binding.Tensor] = $"output '{output.Name}' of {step.Describe()}";
            }
        }

        foreach (var step in plan.Steps)
        {
            var model = composing[step.Index];
            foreach (var binding in step.Inputs)
            {
                var input = model.FindInput(binding.ModelTensor);
                if (input is null)
                {
                    Fail(name, $"{step.Describe()} maps input '{binding.ModelTensor}', which the model does not have (inputs: {ModelSignature.FormatNames(model.Inputs.Select(i => i.Name))})");
                }

                CheckMatch(name, binding.EnsembleTensor, sources[binding.Tensor], types[binding.Tensor], shapes[binding.Tensor],
                    $"input '{input!.Name}' of {step.Describe()}", input.DataType, model.PublicShape(input));
            }

            foreach (var input in model.Inputs)
            {
                if (!input.Optional && !step.Inputs.Any(b => b.ModelTensor == input.Name))
                {
                    Fail(name, $"{step.Describe()} leaves the model's input '{input.Name}' unmapped (input_map has no entry for it)");
                }
            }
        }

        foreach (var output in signature.Outputs)
        {
            var id = plan.OutputTensors[output.Index];
            CheckMatch(name, output.Name, sources[id], types[id], shapes[id], $"ensemble output '{output.Name}'", output.DataType, signature.PublicShape(output));
        }
    }

    // Shapes agree when they have the same rank and each dimension is equal or variable (-1) on either side.
    private static void CheckMatch(string name, string tensor, string source, DataType sourceType, long[] sourceShape, string target, DataType targetType, long[] targetShape)
    {
        if (sourceType != targetType)
        {
            Fail(name, $"tensor '{tensor}' is {sourceType.ToProtocolString()} ({source}) but {target} is {targetType.ToProtocolString()} (datatype mismatch)");
        }

        var compatible = sourceShape.Length == targetShape.Length;
        for (var i = 0; compatible && i < sourceShape.Length; i++)
        {
            compatible = sourceShape[i] == targetShape[i] || sourceShape[i] < 0 || targetShape[i] < 0;
        }

        if (!compatible)
        {
            Fail(name, $"tensor '{tensor}' has shape {TensorShape.Format(sourceShape)} ({source}) but {target} has shape {TensorShape.Format(targetShape)} (shape mismatch)");
        }
    }

    [DoesNotReturn]
    private static void Fail(string name, string reason) => throw new ModelLoadException($"ensemble '{name}': {reason}");
}
