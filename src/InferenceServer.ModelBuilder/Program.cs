using InferenceServer.ModelBuilder.Repository;
using InferenceServer.ModelBuilder.Samples;

namespace InferenceServer.ModelBuilder;

/// <summary>
/// Writes the sample model repository:
/// <c>dotnet run --project src/InferenceServer.ModelBuilder -- [output-root]</c>
/// (default <c>model-repository</c>, relative to the current directory); with <c>--shadow-demo DIR</c>, a
/// repository for the shadow benchmark instead: <c>simple</c> version 1 and a many-times-slower version 2;
/// with <c>--gpu-demo DIR</c>, the GPU run's repository (perf/gpu): <c>simple</c> as KIND_GPU, as KIND_GPU
/// with the CPU fallback, and as KIND_CPU; with <c>--gpu-e2e DIR</c>, the GPU end-to-end repository
/// (<see cref="GpuEndToEndRepository"/>).
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args is ["--shadow-demo", var demo])
        {
            SampleRepositoryWriter.WriteModel(demo, SampleModelNames.Simple, SampleModels.Simple(), "name: \"simple\"\nmax_batch_size: 8\nversion_policy: { all: {} }\n");
            SampleRepositoryWriter.WriteModel(demo, SampleModelNames.Simple, TrafficSampleModels.SimpleSlow(steps: 2_000), config: null, version: 2);
            return 0;
        }

        if (args is ["--gpu-demo", var gpuDemo])
        {
            const string Batching = "max_batch_size: 8\ndynamic_batching { max_queue_delay_microseconds: 100 }\n";
            SampleRepositoryWriter.WriteModel(gpuDemo, "simple_gpu", SampleModels.Simple(), $"name: \"simple_gpu\"\n{Batching}instance_group [ {{ kind: KIND_GPU, count: 2 }} ]\n");
            SampleRepositoryWriter.WriteModel(gpuDemo, "simple_gpu_fallback", SampleModels.Simple(),
                $"name: \"simple_gpu_fallback\"\n{Batching}instance_group [ {{ kind: KIND_GPU, count: 2 }} ]\nparameters {{ key: \"gpu_fallback_to_cpu\" value {{ string_value: \"true\" }} }}\n");
            SampleRepositoryWriter.WriteModel(gpuDemo, "simple_cpu", SampleModels.Simple(), $"name: \"simple_cpu\"\n{Batching}instance_group [ {{ kind: KIND_CPU, count: 2 }} ]\n");
            return 0;
        }

        if (args is ["--gpu-e2e", var gpuE2e])
        {
            GpuEndToEndRepository.Write(gpuE2e);
            return 0;
        }

        if (args.Length > 1 || (args.Length == 1 && args[0] is "-h" or "--help"))
        {
            Console.Error.WriteLine("usage: InferenceServer.ModelBuilder [output-root]   (default: model-repository)");
            return args.Length > 1 ? 2 : 0;
        }

        var root = args.Length == 1 ? args[0] : SampleRepositoryWriter.DefaultRoot;
        foreach (var path in SampleRepositoryWriter.Write(root))
        {
            Console.WriteLine($"{new FileInfo(path).Length,8} {path}");
        }

        return 0;
    }
}
