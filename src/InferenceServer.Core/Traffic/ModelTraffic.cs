using System.Threading.Channels;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Models;
using InferenceServer.Core.Telemetry.Latency;

namespace InferenceServer.Core.Traffic;

/// <summary>
/// One model's traffic policy in force: the router for requests that name no version, the shadows mirroring
/// its traffic, and the rollback guard's windows. Published inside the model's table entry, so a policy change is
/// one table swap; replaced whole (shadows restarted) when the policy changes. It reads the loaded versions
/// through <see cref="ILoadedVersions"/> and reports a rollback trip as a <see cref="RollbackTrip"/> event, so
/// it holds no reference to whoever publishes it.
/// </summary>
public sealed class ModelTraffic : IAsyncDisposable
{
    // The guard is evaluated every this many requests on the canary, off the hot path's common case.
    private const int GuardEvaluationInterval = 32;

    private readonly WeightedRendezvousRouter? _router;
    private readonly RollbackGuard? _guard;
    private readonly SlidingCounter? _canaryCounts;
    private readonly SlidingCounter? _primaryCounts;
    private readonly ChannelWriter<RollbackTrip>? _trips;
    private readonly ILoadedVersions _versions;
    private long _canaryRequests;
    private int _tripped;

    /// <param name="versions">Where the canary's primaries and the shadow versions are looked up, as loaded now.</param>
    /// <param name="trips">Where a rollback trip is reported (once per policy); null: trips are only remembered.</param>
    public ModelTraffic(ILoadedVersions versions, string model, TrafficPolicy policy, string source, string? trippedReason, TimeProvider time,
        ChannelWriter<RollbackTrip>? trips)
    {
        _versions = versions;
        Model = model;
        Policy = policy;
        Source = source;
        TrippedReason = trippedReason;
        _router = policy.HasCanary ? new WeightedRendezvousRouter(policy.Weights) : null;
        Shadows = policy.Shadows.Select(s => new ShadowMirror(versions, model, s)).ToArray();
        if (policy.Rollback is { } rollback && policy.WeightOf(rollback.Canary) > 0)
        {
            _guard = new RollbackGuard(rollback);
            _canaryCounts = new SlidingCounter(rollback.Window, 10, time);
            _primaryCounts = new SlidingCounter(rollback.Window, 10, time);
            _trips = trips;
        }
    }

    public string Model { get; }

    public TrafficPolicy Policy { get; }

    /// <summary>"file" (traffic.json) or "api" (PUT /v2/models/{m}/traffic).</summary>
    public string Source { get; }

    /// <summary>Why the rollback guard took the canary out, or null.</summary>
    public string? TrippedReason { get; }

    public IReadOnlyList<ShadowMirror> Shadows { get; }

    /// <summary>The version for a request that names none; -1 when the policy has no canary (the model's latest serves).</summary>
    public long Route(ReadOnlySpan<char> routingKey)
    {
        if (_router is null)
        {
            return -1;
        }

        return routingKey.IsEmpty ? _router.Route(Random.Shared.NextDouble()) : _router.Route(WeightedRendezvousRouter.HashKey(routingKey));
    }

    /// <summary>
    /// After a request finished on <paramref name="version"/> and its answer went out: mirror it, and feed the rollback
    /// guard. Only server-side failures count against a version; a client error is not the version's doing.
    /// Returns how many shadows took a copy.
    /// </summary>
    public int OnCompleted(ModelVersion version, InferenceRequest request, RequestOutcome outcome)
    {
        if (outcome == RequestOutcome.ClientError)
        {
            return 0;
        }

        var success = outcome == RequestOutcome.Success;
        var mirrored = 0;
        if (success)
        {
            foreach (var shadow in Shadows)
            {
                mirrored += shadow.Offer(request, Random.Shared.NextDouble()) ? 1 : 0;
            }
        }

        if (_guard is null)
        {
            return mirrored;
        }

        if (version.Version == _guard.Policy.Canary)
        {
            _canaryCounts!.Increment(success);
            if (Interlocked.Increment(ref _canaryRequests) % GuardEvaluationInterval == 0)
            {
                Evaluate(version);
            }
        }
        else
        {
            _primaryCounts!.Increment(success);
        }

        return mirrored;
    }

    private void Evaluate(ModelVersion canary)
    {
        var canaryCounts = _canaryCounts!.Read();
        var primaryCounts = _primaryCounts!.Read();
        var decision = _guard!.Evaluate(
            new TrafficWindowStats(primaryCounts.Requests, primaryCounts.Failures, P99(PrimaryVersions())),
            new TrafficWindowStats(canaryCounts.Requests, canaryCounts.Failures, P99([canary])));
        if (decision.Trip && Interlocked.Exchange(ref _tripped, 1) == 0)
        {
            _trips?.TryWrite(new RollbackTrip(this, decision));
        }
    }

    // The versions the canary is compared with: every other version with a weight, as loaded now.
    private IEnumerable<ModelVersion> PrimaryVersions()
    {
        foreach (var weight in Policy.Weights)
        {
            if (weight.Weight > 0 && weight.Version != _guard!.Policy.Canary && _versions.Find(Model, weight.Version) is { } loaded)
            {
                yield return loaded;
            }
        }
    }

    // p99 in milliseconds over the last minute of the versions' latency sketches (null without sketches or data).
    private static double? P99(IEnumerable<ModelVersion> versions)
    {
        var merged = new Telemetry.Sketches.DDSketch();
        foreach (var version in versions)
        {
            if (version.Statistics.Latency is { } latency)
            {
                merged.Merge(latency.Read(LatencyStage.Request, LatencyWindow.OneMinute));
            }
        }

        return merged.IsEmpty ? null : merged.Quantile(0.99) / 1000;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var shadow in Shadows)
        {
            await shadow.DisposeAsync().ConfigureAwait(false);
        }
    }
}
