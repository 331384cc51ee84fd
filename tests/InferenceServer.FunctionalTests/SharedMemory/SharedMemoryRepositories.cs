using InferenceServer.ModelBuilder.Repository;
using InferenceServer.ModelBuilder.Samples;

namespace InferenceServer.FunctionalTests.SharedMemory;

/// <summary><c>simple</c>, and <c>simple</c> behind a one-second batching delay on a clock only the test moves (a request stays in flight until then).</summary>
internal static class SharedMemoryRepositories
{
    public const string Held = "simple_held";

    public static void Write(string root)
    {
        var simple = SampleRepositoryWriter.CreateSamples().Single(s => s.Name == SampleModelNames.Simple);
        SampleRepositoryWriter.WriteModel(root, simple.Name, simple.Onnx, simple.Config);
        SampleRepositoryWriter.WriteModel(root, Held, simple.Onnx,
            $"name: \"{Held}\"\nplatform: \"onnxruntime_onnx\"\nmax_batch_size: 8\ndynamic_batching {{ max_queue_delay_microseconds: 1000000 preferred_batch_size: [ 8 ] }}\n");
    }
}
