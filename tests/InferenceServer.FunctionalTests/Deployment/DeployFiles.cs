using InferenceServer.FunctionalTests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace InferenceServer.FunctionalTests.Deployment;

/// <summary>
/// The files under deploy/ and the build files they must agree with, read from the checkout. Every call reads
/// afresh, so a test may change what it gets.
/// </summary>
internal static class DeployFiles
{
    public static string Root { get; } = RepositoryRoot.Find();

    public static string Read(string relativePath) => File.ReadAllText(Path.Combine(Root, relativePath));

    /// <summary>Every YAML file under deploy/, relative to the checkout, in a stable order.</summary>
    public static IReadOnlyList<string> YamlFiles() =>
        Directory.EnumerateFiles(Path.Combine(Root, "deploy"), "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(Root, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>Every document of every YAML file under deploy/ (a file may hold several, separated by ---).</summary>
    public static List<ManifestDocument> LoadAll() => YamlFiles().SelectMany(f => Parse(f, Read(f))).ToList();

    public static IEnumerable<ManifestDocument> Parse(string file, string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        for (var i = 0; i < stream.Documents.Count; i++)
        {
            if (stream.Documents[i].RootNode is not YamlMappingNode root || YamlTree.From(root) is not Dictionary<string, object?> map)
            {
                throw new InvalidOperationException($"{file}: document {i} is not a mapping");
            }

            yield return new ManifestDocument(file, i, map, root);
        }
    }
}
