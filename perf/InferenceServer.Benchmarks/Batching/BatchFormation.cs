namespace InferenceServer.Benchmarks.Batching;

/// <summary>How the batching benchmark's <c>dynamic_batching</c> block forms batches.</summary>
public enum BatchFormation
{
    /// <summary><c>dynamic_batching { }</c>: max_queue_delay 0, a batch is whatever is queued when the instance looks.</summary>
    QueueDelay0,

    /// <summary><c>preferred_batch_size: [ N ]</c> with a long delay: every execution is exactly one batch of N.</summary>
    PreferredN,
}
