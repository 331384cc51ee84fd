using YamlDotNet.RepresentationModel;

namespace InferenceServer.FunctionalTests.Deployment;

/// <summary>
/// One YAML document of a file under deploy/: its tree (<see cref="YamlTree"/>) for reading and its YAML node for
/// deserializers that take YAML text (the Kubernetes schema check).
/// </summary>
internal sealed record ManifestDocument(string File, int Index, Dictionary<string, object?> Root, YamlMappingNode Node)
{
    public string? Kind => YamlTree.Text(Root, "kind");

    public string? ApiVersion => YamlTree.Text(Root, "apiVersion");

    public string? Name => YamlTree.Text(Root, "metadata", "name");

    /// <summary>Where a problem was found, for messages.</summary>
    public string Where => Kind is null ? $"{File}#{Index}" : $"{File}#{Index} {Kind}/{Name}";
}
