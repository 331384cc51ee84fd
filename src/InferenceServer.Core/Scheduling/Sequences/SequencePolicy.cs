using Inference;
using InferenceServer.Core.Models;

namespace InferenceServer.Core.Scheduling.Sequences;

/// <summary>
/// A sequence model's scheduling, read from <c>sequence_batching</c> with Triton's semantics and defaults: how many
/// sequences may be live at once (<see cref="Slots"/>), how long one may sit idle before it is ended, and how the ready
/// requests of different sequences are batched (<see cref="Batching"/>). A sequence that starts while every slot is
/// held waits in a backlog for a free one, at most <see cref="BacklogWaitMicroseconds"/>.
/// </summary>
public sealed class SequencePolicy
{
    /// <summary>Triton's default for <c>max_sequence_idle_microseconds</c> (0 in the config): one second.</summary>
    public const long DefaultMaxIdleMicroseconds = 1_000_000;

    /// <summary>The most sequences that may wait in the backlog for a slot; beyond it a new sequence is refused at once.</summary>
    public const int MaxBacklog = SchedulerPolicy.DefaultServerQueueCap;

    private SequencePolicy(SequenceStrategy strategy, int slots, long maxIdleMicroseconds, SchedulerPolicy batching)
    {
        Strategy = strategy;
        Slots = slots;
        MaxIdleMicroseconds = maxIdleMicroseconds;
        Batching = batching;
    }

    public SequenceStrategy Strategy { get; }

    /// <summary>
    /// Sequences live at once: direct, one per batch row of every instance (max_batch_size × instances, at least one per
    /// instance); oldest, max_candidate_sequences per instance.
    /// </summary>
    public int Slots { get; }

    /// <summary>A sequence with no request for this long is ended and its slot freed (<c>max_sequence_idle_microseconds</c>).</summary>
    public long MaxIdleMicroseconds { get; }

    /// <summary>
    /// The longest a new sequence waits in the backlog for a slot before it is refused (UNAVAILABLE): as long as an idle
    /// sequence may hold one, so a sequence that is refused found every slot busy with sequences still being used.
    /// </summary>
    public long BacklogWaitMicroseconds => MaxIdleMicroseconds;

    /// <summary>How the ready requests of different sequences are batched (at most one request of a sequence per batch).</summary>
    public SchedulerPolicy Batching { get; }

    /// <summary>Reads the policy; a field the server cannot honour fails the load, named.</summary>
    /// <exception cref="ModelLoadException">The reason, naming the model and the field.</exception>
    public static SequencePolicy FromConfig(ModelConfig config, int instanceCount)
    {
        var sequence = config.SequenceBatching ?? throw new ArgumentException("the config has no sequence_batching", nameof(config));
        if (sequence.IterativeSequence)
        {
            throw Fail(config, "sequence_batching.iterative_sequence is not supported by this server yet; remove it");
        }

        var idle = sequence.MaxSequenceIdleMicroseconds == 0
            ? DefaultMaxIdleMicroseconds
            : (long)Math.Min(sequence.MaxSequenceIdleMicroseconds, (ulong)TimeSpan.FromDays(1).Ticks / 10);
        var instances = Math.Max(1, instanceCount);
        if (sequence.StrategyChoiceCase == ModelSequenceBatching.StrategyChoiceOneofCase.Oldest)
        {
            var oldest = sequence.Oldest;
            if (oldest.MaxCandidateSequences < 1)
            {
                throw Fail(config, $"sequence_batching.oldest.max_candidate_sequences must be at least 1, got {oldest.MaxCandidateSequences}");
            }

            foreach (var size in oldest.PreferredBatchSize)
            {
                if (size < 1 || size > Math.Max(1, config.MaxBatchSize))
                {
                    throw Fail(config, $"sequence_batching.oldest.preferred_batch_size {size} must be between 1 and max_batch_size {Math.Max(1, config.MaxBatchSize)}");
                }
            }

            var slots = (int)Math.Min((long)oldest.MaxCandidateSequences * instances, int.MaxValue);
            return new SequencePolicy(SequenceStrategy.Oldest, slots, idle, SchedulerPolicy.ForSequences(
                config, [.. oldest.PreferredBatchSize.Distinct().Order()], Delay(oldest.MaxQueueDelayMicroseconds), oldest.PreserveOrdering));
        }

        // Direct (also when no strategy is named, as in Triton). minimum_slot_utilization only tunes when a partial batch
        // runs; the answers are the same without it.
        var delay = sequence.StrategyChoiceCase == ModelSequenceBatching.StrategyChoiceOneofCase.Direct ? Delay(sequence.Direct.MaxQueueDelayMicroseconds) : 0;
        var directSlots = (int)Math.Min((long)Math.Max(1, config.MaxBatchSize) * instances, int.MaxValue);
        return new SequencePolicy(SequenceStrategy.Direct, directSlots, idle, SchedulerPolicy.ForSequences(config, [], delay, preserveOrdering: false));
    }

    private static long Delay(ulong microseconds) => (long)Math.Min(microseconds, (ulong)TimeSpan.FromHours(1).Ticks / 10);

    private static ModelLoadException Fail(ModelConfig config, string reason) => new($"model '{config.Name}': {reason}");
}
