using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace InferenceServer.Core.Traffic;

/// <summary>
/// How one model's requests are spread over its versions: canary <see cref="Weights"/>, <see cref="Shadows"/>
/// that receive mirrored copies, and an optional <see cref="Rollback"/> guard on the canary. Immutable and always
/// valid: every way to make one checks the rules below, so a holder never re-validates. The JSON form
/// (<c>traffic.json</c>, <c>/v2/models/{m}/traffic</c>) is read and written by <see cref="TrafficPolicyJson"/>,
/// and error messages name fields by their JSON path so both the file and the API report the same text.
/// <list type="bullet">
/// <item>Versions are positive integers (the version folder names). No version is weighted twice.</item>
/// <item>Weights are non-negative; no weights at all means no canary (the model's version policy decides),
/// otherwise at least one weight is above 0.</item>
/// <item>A shadow version is listed once and does not have a weight above 0: mirroring a version's own traffic
/// back to it would double its load and compare it with itself. A weight of 0 is allowed, so a canary can be
/// taken out of rotation and kept as a shadow.</item>
/// <item>The rollback canary is a weighted version (its weight may be 0 once rolled back) and some other version
/// has a weight above 0, so there is something to roll back to.</item>
/// </list>
/// </summary>
public sealed class TrafficPolicy : IEquatable<TrafficPolicy>
{
    private TrafficPolicy(ImmutableArray<VersionWeight> weights, ImmutableArray<ShadowTarget> shadows, RollbackPolicy? rollback)
    {
        Weights = weights;
        Shadows = shadows;
        Rollback = rollback;

        var versions = new SortedSet<long>();
        foreach (var weight in weights)
        {
            versions.Add(weight.Version);
        }

        foreach (var shadow in shadows)
        {
            versions.Add(shadow.Version);
        }

        Versions = [.. versions];
    }

    /// <summary>No canary, no shadows, no rollback: what a model without <c>traffic.json</c> has.</summary>
    public static TrafficPolicy None { get; } = new([], [], null);

    /// <summary>The canary weights in ascending version order; empty when there is no canary.</summary>
    public ImmutableArray<VersionWeight> Weights { get; }

    /// <summary>The shadow versions in the order the policy lists them.</summary>
    public ImmutableArray<ShadowTarget> Shadows { get; }

    public RollbackPolicy? Rollback { get; }

    /// <summary>
    /// Every version the policy names, weighted (0 included) or shadow, ascending: the versions that must be
    /// loaded before the policy is applied.
    /// </summary>
    public ImmutableArray<long> Versions { get; }

    /// <summary>Whether requests are split by <see cref="Weights"/> rather than sent to the default version.</summary>
    public bool HasCanary => !Weights.IsEmpty;

    /// <summary>The checked policy; the weights may come in any order.</summary>
    /// <exception cref="ArgumentException">A rule in the class summary is broken; the message names the field.</exception>
    public static TrafficPolicy Create(IEnumerable<VersionWeight> weights, IEnumerable<ShadowTarget> shadows, RollbackPolicy? rollback)
    {
        if (!TryCreate(weights, shadows, rollback, out var policy, out var error))
        {
            throw new ArgumentException(error);
        }

        return policy;
    }

    /// <summary>The checked policy, or false with an error that names the offending field by its JSON path.</summary>
    public static bool TryCreate(
        IEnumerable<VersionWeight> weights,
        IEnumerable<ShadowTarget> shadows,
        RollbackPolicy? rollback,
        [NotNullWhen(true)] out TrafficPolicy? policy,
        out string error)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(shadows);
        policy = null;

        var sortedWeights = weights.OrderBy(w => w.Version).ToImmutableArray();
        var shadowList = shadows.ToImmutableArray();
        error = CheckWeights(sortedWeights) ?? CheckShadows(shadowList, sortedWeights) ?? CheckRollback(rollback, sortedWeights) ?? string.Empty;
        if (error.Length > 0)
        {
            return false;
        }

        policy = sortedWeights.IsEmpty && shadowList.IsEmpty && rollback is null ? None : new TrafficPolicy(sortedWeights, shadowList, rollback);
        return true;
    }

    /// <summary>The weight of <paramref name="version"/>, 0 when the policy does not weight it.</summary>
    public int WeightOf(long version) => WeightIn(Weights, version);

    public bool Equals(TrafficPolicy? other) =>
        other is not null
        && Weights.SequenceEqual(other.Weights)
        && Shadows.SequenceEqual(other.Shadows)
        && Equals(Rollback, other.Rollback);

    public override bool Equals(object? obj) => Equals(obj as TrafficPolicy);

    public override int GetHashCode() => HashCode.Combine(Weights.Length, Shadows.Length, Rollback);

    private static string? CheckWeights(ImmutableArray<VersionWeight> weights)
    {
        var anyPositive = false;
        for (var i = 0; i < weights.Length; i++)
        {
            var (version, weight) = weights[i];
            if (version < 1)
            {
                return $"weights.\"{version}\" must be a version: a positive integer without leading zeros";
            }

            // Sorted, so a repeated version is next to its first appearance.
            if (i > 0 && weights[i - 1].Version == version)
            {
                return $"weights.\"{version}\" is given twice";
            }

            if (weight < 0)
            {
                return $"weights.\"{version}\" must be an integer from 0 to {int.MaxValue}, got {weight}";
            }

            anyPositive |= weight > 0;
        }

        return weights.IsEmpty || anyPositive ? null : "weights must give at least one version a weight above 0 (leave weights out for no canary)";
    }

    private static string? CheckShadows(ImmutableArray<ShadowTarget> shadows, ImmutableArray<VersionWeight> weights)
    {
        for (var i = 0; i < shadows.Length; i++)
        {
            var shadow = shadows[i] ?? throw new ArgumentException($"shadow[{i}] is null");
            if (shadow.Version < 1)
            {
                return $"shadow[{i}].version \"{shadow.Version}\" must be a version: a positive integer without leading zeros";
            }

            // Written as a negation so NaN fails too.
            if (!(shadow.Percent > 0 && shadow.Percent <= 100))
            {
                return $"shadow[{i}].percent must be in (0, 100], got {shadow.Percent}";
            }

            if (shadow.QueueSize < 1)
            {
                return $"shadow[{i}].queue_size must be at least 1, got {shadow.QueueSize}";
            }

            for (var j = 0; j < i; j++)
            {
                if (shadows[j].Version == shadow.Version)
                {
                    return $"shadow[{i}].version \"{shadow.Version}\" is already listed as shadow[{j}]";
                }
            }

            var weight = WeightIn(weights, shadow.Version);
            if (weight > 0)
            {
                return $"shadow[{i}].version \"{shadow.Version}\" has weight {weight} in weights: a version that serves requests "
                    + "cannot also shadow them (set its weight to 0 to keep it only as a shadow)";
            }
        }

        return null;
    }

    private static string? CheckRollback(RollbackPolicy? rollback, ImmutableArray<VersionWeight> weights)
    {
        if (rollback is null)
        {
            return null;
        }

        var canary = rollback.Canary;
        if (!weights.Any(w => w.Version == canary))
        {
            return $"rollback.canary \"{canary}\" must be one of the versions in weights";
        }

        if (!weights.Any(w => w.Version != canary && w.Weight > 0))
        {
            return $"rollback.canary \"{canary}\" needs another version with a weight above 0 in weights to roll back to";
        }

        if (rollback.MaxErrorRate is null && rollback.MaxP99Ratio is null)
        {
            return "rollback must set max_error_rate, max_p99_ratio or both";
        }

        if (rollback.MaxErrorRate is { } rate && !(rate >= 0 && rate <= 1))
        {
            return $"rollback.max_error_rate must be in [0, 1], got {rate}";
        }

        if (rollback.MaxP99Ratio is { } ratio && !(ratio > 1 && double.IsFinite(ratio)))
        {
            return $"rollback.max_p99_ratio must be a finite number greater than 1, got {ratio}";
        }

        if (rollback.WindowSeconds < 1)
        {
            return $"rollback.window_seconds must be at least 1, got {rollback.WindowSeconds}";
        }

        return rollback.MinRequests < 1 ? $"rollback.min_requests must be at least 1, got {rollback.MinRequests}" : null;
    }

    private static int WeightIn(ImmutableArray<VersionWeight> weights, long version)
    {
        foreach (var weight in weights)
        {
            if (weight.Version == version)
            {
                return weight.Weight;
            }
        }

        return 0;
    }
}
