using InferenceServer.ModelBuilder.Repository;

namespace InferenceServer.ModelBuilder;

/// <summary>
/// Writes the sample model repository:
/// <c>dotnet run --project src/InferenceServer.ModelBuilder -- [output-root]</c>
/// (default <c>model-repository</c>, relative to the current directory).
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
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
