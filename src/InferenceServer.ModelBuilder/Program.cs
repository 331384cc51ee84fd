using InferenceServer.ModelBuilder.Repository;
using InferenceServer.ModelBuilder.Samples;

namespace InferenceServer.ModelBuilder;

/// <summary>
/// Writes the sample model repository:
/// <c>dotnet run --project src/InferenceServer.ModelBuilder -- [output-root]</c>
/// (default <c>model-repository</c>, relative to the current directory); with <c>--shadow-demo DIR</c>, a
/// repository for the shadow benchmark instead: <c>simple</c> version 1 and a many-times-slower version 2.
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
