using InferenceServer.Core.Models.Lifecycle;
using InferenceServer.Core.Traffic;

namespace InferenceServer.Core.Models.Repository;

/// <summary>
/// The versions a model's <c>traffic.json</c> names. A load keeps them whatever the version policy selects: an
/// operator who drops version 2 next to a policy that sends traffic to version 1 means both to serve, and should not
/// have to know that the default policy (<c>latest { num_versions: 1 }</c>) would unload version 1 and reject the
/// policy.
/// </summary>
internal static class TrafficFileVersions
{
    /// <summary>The versions named, or none when the file is missing or unusable (applying it reports why).</summary>
    public static IReadOnlyList<long> Read(ModelRepository repository, string model)
    {
        var path = Path.Combine(repository.ModelDirectory(model), TrafficControl.FileName);
        try
        {
            if (!File.Exists(path))
            {
                return [];
            }

            repository.EnsureInside(path, $"the traffic file of model '{model}'");
            return TrafficPolicyJson.TryParse(File.ReadAllBytes(path), out var policy, out _) ? policy.Versions : [];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ModelLoadException)
        {
            return [];
        }
    }
}
