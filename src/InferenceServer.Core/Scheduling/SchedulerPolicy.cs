using Inference;
using InferenceServer.Core.Models;

namespace InferenceServer.Core.Scheduling;

/// <summary>
/// How a model version's requests are queued and batched, read from its config with Triton's semantics:
/// <c>dynamic_batching</c> with <c>max_batch_size</c> &gt; 0 turns on batching; without it requests run one
/// by one (each may still carry several rows). Priority levels and queue policies apply when batching.
/// </summary>
public sealed class SchedulerPolicy
{
    /// <summary>The bound on queued requests per level where the config says 0 (unbounded).</summary>
    public const int DefaultServerQueueCap = 16_384;

    private readonly QueuePolicy[] _levels;

    /// <summary>The config parameter that turns the adaptive wait off ("false": always wait out the delay, as Triton).</summary>
    public const string AdaptiveWaitParameter = "adaptive_batching_wait";

    private SchedulerPolicy(bool batching, int maxBatchRows, int[] preferredBatchSizes, long maxQueueDelayMicroseconds,
        bool preserveOrdering, int defaultLevel, QueuePolicy[] levels, bool adaptiveWait = false)
    {
        AdaptiveWait = adaptiveWait;
        Batching = batching;
        MaxBatchRows = maxBatchRows;
        PreferredBatchSizes = preferredBatchSizes;
        MaxQueueDelayMicroseconds = maxQueueDelayMicroseconds;
        PreserveOrdering = preserveOrdering;
        DefaultLevel = defaultLevel;
        _levels = levels;
    }

    /// <summary>Several requests may share one model execution.</summary>
    public bool Batching { get; }

    /// <summary>Most rows in one execution (<c>max_batch_size</c>; 1 for a model that does not batch).</summary>
    public int MaxBatchRows { get; }

    /// <summary>Batch sizes sent as soon as they can be formed, ascending.</summary>
    public IReadOnlyList<int> PreferredBatchSizes { get; }

    public long MaxQueueDelayMicroseconds { get; }

    public bool PreserveOrdering { get; }

    /// <summary>
    /// An idle instance stops waiting for a fuller batch once the wait costs more than the batch would save
    /// (<see cref="RequestScheduler"/>); <c>max_queue_delay_microseconds</c> stays the longest wait either way.
    /// </summary>
    public bool AdaptiveWait { get; }

    /// <summary>Number of priority levels (1 when the config sets none); level 1 is served first.</summary>
    public int LevelCount => _levels.Length;

    /// <summary>The level of a request that gives no (or an out-of-range) priority.</summary>
    public int DefaultLevel { get; }

    public QueuePolicy Level(int level) => _levels[level - 1];

    /// <summary>The level a request's <c>priority</c> parameter selects: 0 or out of range means the default (as Triton).</summary>
    public int LevelFor(ulong priority) => priority == 0 || priority > (ulong)_levels.Length ? DefaultLevel : (int)priority;

    /// <summary>Reads the policy; a config that contradicts itself is a load error naming the field.</summary>
    public static SchedulerPolicy FromConfig(ModelConfig config, int serverQueueCap = DefaultServerQueueCap)
    {
        var batching = config.DynamicBatching is not null && config.MaxBatchSize > 0;
        var maxRows = Math.Max(1, config.MaxBatchSize);
        if (!batching)
        {
            return new SchedulerPolicy(false, maxRows, [], 0, false, 1, [QueuePolicy.From(null, serverQueueCap)]);
        }

        var dynamic = config.DynamicBatching!;
        foreach (var size in dynamic.PreferredBatchSize)
        {
            if (size < 1 || size > config.MaxBatchSize)
            {
                throw new ModelLoadException(
                    $"model '{config.Name}': dynamic_batching.preferred_batch_size {size} must be between 1 and max_batch_size {config.MaxBatchSize}");
            }
        }

        var levelCount = (int)Math.Min(dynamic.PriorityLevels, 1_000);
        if (dynamic.PriorityLevels > 1_000)
        {
            throw new ModelLoadException($"model '{config.Name}': dynamic_batching.priority_levels {dynamic.PriorityLevels} is more than the 1000 supported");
        }

        var defaultLevel = 1;
        if (levelCount > 0)
        {
            if (dynamic.DefaultPriorityLevel < 1 || dynamic.DefaultPriorityLevel > (ulong)levelCount)
            {
                throw new ModelLoadException(
                    $"model '{config.Name}': dynamic_batching.default_priority_level {dynamic.DefaultPriorityLevel} must be between 1 and priority_levels {levelCount}");
            }

            defaultLevel = (int)dynamic.DefaultPriorityLevel;
        }

        foreach (var key in dynamic.PriorityQueuePolicy.Keys)
        {
            if (key < 1 || key > (ulong)levelCount)
            {
                throw new ModelLoadException(
                    $"model '{config.Name}': dynamic_batching.priority_queue_policy has level {key}, outside 1..priority_levels ({levelCount})");
            }
        }

        var levels = new QueuePolicy[Math.Max(1, levelCount)];
        for (var i = 0; i < levels.Length; i++)
        {
            levels[i] = QueuePolicy.From(
                dynamic.PriorityQueuePolicy.TryGetValue((ulong)(i + 1), out var specific) ? specific : dynamic.DefaultQueuePolicy,
                serverQueueCap);
        }

        var preferred = dynamic.PreferredBatchSize.Distinct().Order().ToArray();
        var delay = (long)Math.Min(dynamic.MaxQueueDelayMicroseconds, (ulong)TimeSpan.FromHours(1).Ticks / 10);
        return new SchedulerPolicy(true, config.MaxBatchSize, preferred, delay, dynamic.PreserveOrdering, defaultLevel, levels, ReadAdaptiveWait(config));
    }

    /// <summary>
    /// The batching of a sequence model's ready requests (<see cref="Sequences.SequenceScheduler"/>): batches of up to
    /// <c>max_batch_size</c> from the strategy's preferred sizes and delay, one priority level, the server's queue cap.
    /// </summary>
    internal static SchedulerPolicy ForSequences(ModelConfig config, int[] preferredBatchSizes, long maxQueueDelayMicroseconds, bool preserveOrdering) =>
        new(config.MaxBatchSize > 0, Math.Max(1, config.MaxBatchSize), preferredBatchSizes, maxQueueDelayMicroseconds, preserveOrdering, 1,
            [QueuePolicy.From(null, DefaultServerQueueCap)]);

    private static bool ReadAdaptiveWait(ModelConfig config) => ModelConfigParameters.ReadBool(config, AdaptiveWaitParameter, absent: true);
}
