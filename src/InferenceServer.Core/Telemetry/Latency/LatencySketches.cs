using InferenceServer.Core.Telemetry.Sketches;

namespace InferenceServer.Core.Telemetry.Latency;

/// <summary>
/// DDSketches (1 % relative accuracy) of one model version's latencies in microseconds, per stage, for the
/// version's lifetime and two sliding windows. Writers lock only their thread's stripe; readers merge.
/// </summary>
public sealed class LatencySketches
{
    private readonly Stripe[] _stripes;
    private readonly TimeProvider _time;

    public LatencySketches(TimeProvider time)
    {
        _time = time;
        _stripes = new Stripe[Stripes.Count];
        for (var i = 0; i < _stripes.Length; i++)
        {
            _stripes[i] = new Stripe();
        }
    }

    /// <summary>Adds one observation of <paramref name="stage"/>.</summary>
    public void Record(LatencyStage stage, long nanoseconds)
    {
        var now = _time.GetUtcNow();
        var stripe = _stripes[Stripes.OfCurrentThread];
        lock (stripe)
        {
            stripe.Stages[(int)stage].Add(nanoseconds / 1000.0, now);
        }
    }

    /// <summary>A successful request's total and queue time: one clock read and one stripe lock for both.</summary>
    public void RecordRequest(long requestNanoseconds, long queueNanoseconds)
    {
        var now = _time.GetUtcNow();
        var stripe = _stripes[Stripes.OfCurrentThread];
        lock (stripe)
        {
            stripe.Stages[(int)LatencyStage.Request].Add(requestNanoseconds / 1000.0, now);
            stripe.Stages[(int)LatencyStage.Queue].Add(queueNanoseconds / 1000.0, now);
        }
    }

    /// <summary>A merged copy of every stripe's sketch of <paramref name="stage"/> over <paramref name="window"/>.</summary>
    public DDSketch Read(LatencyStage stage, LatencyWindow window)
    {
        var merged = new DDSketch();
        var now = _time.GetUtcNow();
        foreach (var stripe in _stripes)
        {
            lock (stripe)
            {
                var sketches = stripe.Stages[(int)stage];
                switch (window)
                {
                    case LatencyWindow.Lifetime:
                        merged.Merge(sketches.Retired);
                        sketches.FiveMinutes.MergeAllInto(merged, static (target, bucket) => target.Merge(bucket));
                        break;
                    case LatencyWindow.OneMinute:
                        sketches.OneMinute.MergeInto(merged, now, static (target, bucket) => target.Merge(bucket));
                        break;
                    default:
                        sketches.FiveMinutes.MergeInto(merged, now, static (target, bucket) => target.Merge(bucket));
                        break;
                }
            }
        }

        return merged;
    }

    private sealed class Stripe
    {
        public readonly StageSketches[] Stages = [new(), new(), new()];
    }

    // Each value goes to the two rings; the five-minute ring's buckets fold into Retired as they are reused,
    // so the lifetime costs no third write.
    private sealed class StageSketches
    {
        public StageSketches()
        {
            FiveMinutes = new(5, TimeSpan.FromMinutes(1), static () => new DDSketch(), static s => s.Clear(), Retired.Merge);
        }

        public DDSketch Retired { get; } = new();

        public SlidingWindow<DDSketch> OneMinute { get; } = new(6, TimeSpan.FromSeconds(10), static () => new DDSketch(), static s => s.Clear());

        public SlidingWindow<DDSketch> FiveMinutes { get; }

        public void Add(double microseconds, DateTimeOffset now)
        {
            OneMinute.Current(now).Add(microseconds);
            FiveMinutes.Current(now).Add(microseconds);
        }
    }
}
