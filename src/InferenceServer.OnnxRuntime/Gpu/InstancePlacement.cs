using Inference;
using InferenceServer.Core.Models;

namespace InferenceServer.OnnxRuntime.Gpu;

/// <summary>
/// Where each instance of a model runs, from its completed <c>instance_group</c>s, as Triton places them:
/// a <c>KIND_CPU</c> group gives <c>count</c> CPU instances; a <c>KIND_GPU</c> group gives <c>count</c>
/// instances on each GPU it lists (<c>gpus: [...]</c>), or on every GPU when it lists none.
/// </summary>
/// <remarks>
/// Where <c>KIND_GPU</c> cannot be served (no GPU, or an ONNX Runtime without the CUDA provider) the load
/// fails and says why — unless the model's config opts into running such groups on the CPU with
/// <c>parameters { key: "gpu_fallback_to_cpu" value { string_value: "true" } }</c> (then each group's
/// <c>count</c> becomes CPU instances and the load says so in the version's log line).
/// </remarks>
internal static class InstancePlacement
{
    public const string FallbackParameter = "gpu_fallback_to_cpu";

    /// <summary>One instance: its name and its GPU ordinal, -1 for the CPU.</summary>
    public readonly record struct Instance(string Name, int DeviceOrdinal);

    public static IReadOnlyList<Instance> Place(ModelConfig config, IGpuPlatform gpus)
    {
        var fallback = FallsBackToCpu(config);
        var instances = new List<Instance>();
        foreach (var group in config.InstanceGroup)
        {
            switch (group.Kind)
            {
                case ModelInstanceGroup.Types.Kind.Cpu:
                    AddCpu(instances, group);
                    break;
                case ModelInstanceGroup.Types.Kind.Gpu when gpus.UnavailableReason.Length > 0:
                    if (!fallback)
                    {
                        throw new ModelLoadException(
                            $"model '{config.Name}': instance group '{group.Name}' asks for KIND_GPU, but {gpus.UnavailableReason}; "
                            + $"use kind: KIND_CPU, or set parameters {{ key: \"{FallbackParameter}\" value {{ string_value: \"true\" }} }} to run KIND_GPU groups on the CPU where no GPU can serve them");
                    }

                    AddCpu(instances, group);
                    break;
                case ModelInstanceGroup.Types.Kind.Gpu:
                    AddGpu(instances, config.Name, group, gpus.DeviceCount);
                    break;
                default:
                    throw new ModelLoadException(
                        $"model '{config.Name}': instance group '{group.Name}' asks for KIND_{group.Kind.ToString().ToUpperInvariant()}, which the onnxruntime backend does not support; use KIND_CPU or KIND_GPU");
            }
        }

        return instances;
    }

    private static void AddCpu(List<Instance> instances, ModelInstanceGroup group)
    {
        for (var i = 0; i < group.Count; i++)
        {
            instances.Add(new Instance($"{group.Name}_{i}", -1));
        }
    }

    private static void AddGpu(List<Instance> instances, string model, ModelInstanceGroup group, int deviceCount)
    {
        var devices = group.Gpus.Count > 0 ? group.Gpus.ToArray() : Enumerable.Range(0, deviceCount).ToArray();
        foreach (var device in devices)
        {
            if (device < 0 || device >= deviceCount)
            {
                throw new ModelLoadException(
                    $"model '{model}': instance group '{group.Name}' names GPU {device}, but this machine has GPUs 0 to {deviceCount - 1}");
            }
        }

        var index = 0;
        foreach (var device in devices)
        {
            for (var i = 0; i < group.Count; i++)
            {
                instances.Add(new Instance($"{group.Name}_{index++}_gpu{device}", device));
            }
        }
    }

    private static bool FallsBackToCpu(ModelConfig config) => ModelConfigParameters.ReadBool(config, FallbackParameter, absent: false);
}
