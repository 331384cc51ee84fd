using Inference;

namespace InferenceServer.Core.Models.Repository;

/// <summary>Applies <c>version_policy</c> (brief §4.3) to the versions found on disk.</summary>
public static class VersionPolicy
{
    /// <summary>
    /// The versions to serve. <c>latest</c> (the default, N = 1) takes the N highest; <c>all</c> takes
    /// every one; <c>specific</c> takes the listed ones, including listed versions missing on disk,
    /// which the loader then reports as unavailable.
    /// </summary>
    public static IReadOnlyList<long> Select(ModelVersionPolicy? policy, IReadOnlyList<long> onDisk)
    {
        switch (policy?.PolicyChoiceCase ?? ModelVersionPolicy.PolicyChoiceOneofCase.None)
        {
            case ModelVersionPolicy.PolicyChoiceOneofCase.All:
                return onDisk;
            case ModelVersionPolicy.PolicyChoiceOneofCase.Specific:
                return policy!.Specific.Versions.Distinct().Order().ToArray();
            case ModelVersionPolicy.PolicyChoiceOneofCase.Latest:
                var n = (int)Math.Max(1u, policy!.Latest.NumVersions);
                return onDisk.Skip(Math.Max(0, onDisk.Count - n)).ToArray();
            default:
                return onDisk.Count == 0 ? [] : [onDisk[^1]];
        }
    }

    /// <summary>The policy as config.pbtxt spells it, for messages.</summary>
    public static string Describe(ModelVersionPolicy? policy) => (policy?.PolicyChoiceCase ?? ModelVersionPolicy.PolicyChoiceOneofCase.None) switch
    {
        ModelVersionPolicy.PolicyChoiceOneofCase.All => "all",
        ModelVersionPolicy.PolicyChoiceOneofCase.Specific => $"specific {{ versions: [{string.Join(", ", policy!.Specific.Versions)}] }}",
        ModelVersionPolicy.PolicyChoiceOneofCase.Latest => $"latest {{ num_versions: {Math.Max(1u, policy!.Latest.NumVersions)} }}",
        _ => "latest { num_versions: 1 }, the default",
    };
}
