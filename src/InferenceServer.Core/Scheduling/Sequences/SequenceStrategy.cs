namespace InferenceServer.Core.Scheduling.Sequences;

/// <summary>How a sequence model's live sequences share its instances (<c>sequence_batching.direct</c> / <c>oldest</c>).</summary>
public enum SequenceStrategy
{
    /// <summary>Each sequence holds one batch slot until it ends: max_batch_size × instances sequences at once (the default).</summary>
    Direct,

    /// <summary>Up to max_candidate_sequences × instances sequences at once; their oldest requests are batched dynamically.</summary>
    Oldest,
}
