using InferenceServer.ModelBuilder.Samples;
using DataType = InferenceServer.ModelBuilder.Onnx.TensorProto.Types.DataType;

namespace InferenceServer.ModelBuilder.Repository;

/// <summary>
/// The repository of the GPU end-to-end run (perf/gpu/e2e.sh): one GPU-bound MLP (<see cref="Inputs"/> features, three
/// <see cref="Hidden"/>-wide layers, <see cref="Outputs"/> logits; 168 MB of FP32 weights, so it is written on the GPU
/// machine rather than carried there) as the CPU reference, on the GPU with 1, 2 and 4 instances, and in FP16; plus a
/// small CPU model served beside them. Every copy has dynamic batching up to <see cref="MaxBatch"/> rows.
/// </summary>
internal static class GpuEndToEndRepository
{
    public const int Inputs = 1024;
    public const int Hidden = 4096;
    public const int Layers = 3;
    public const int Outputs = 1000;
    public const int MaxBatch = 256;

    public static void Write(string root)
    {
        var fp32 = SampleModels.Mlp(Inputs, Hidden, Outputs, Layers, DataType.Float);
        var batching = $"max_batch_size: {MaxBatch}\ndynamic_batching {{ max_queue_delay_microseconds: 200 }}\n";
        SampleRepositoryWriter.WriteModel(root, "mlp_cpu", fp32, Config("mlp_cpu", batching, "KIND_CPU", 1));
        foreach (var count in (int[])[1, 2, 4])
        {
            var name = count == 1 ? "mlp_gpu" : $"mlp_gpu_x{count}";
            SampleRepositoryWriter.WriteModel(root, name, fp32, Config(name, batching, "KIND_GPU", count));
        }

        SampleRepositoryWriter.WriteModel(root, "mlp_fp16_gpu", SampleModels.Mlp(Inputs, Hidden, Outputs, Layers, DataType.Float16), Config("mlp_fp16_gpu", batching, "KIND_GPU", 1));
        SampleRepositoryWriter.WriteModel(root, "simple_cpu", SampleModels.Simple(), Config("simple_cpu", "max_batch_size: 8\ndynamic_batching { }\n", "KIND_CPU", 2));
    }

    private static string Config(string name, string batching, string kind, int count) =>
        $"name: \"{name}\"\n{batching}instance_group [ {{ kind: {kind}, count: {count} }} ]\n";
}
