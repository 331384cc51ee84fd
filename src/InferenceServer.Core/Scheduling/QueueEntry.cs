using InferenceServer.Core.Inference;

namespace InferenceServer.Core.Scheduling;

/// <summary>
/// What a scheduler keeps on a queued request, stored inside the (pooled) request so queueing allocates
/// nothing: its links in an intrusive <see cref="RequestList"/>, its level, and its clock readings.
/// </summary>
internal struct QueueEntry
{
    public RequestList? List;
    public InferenceRequest? Next;
    public InferenceRequest? Previous;

    /// <summary>Priority level, 1 = highest.</summary>
    public int Level;

    /// <summary>Arrival order at this scheduler, for preserve_ordering.</summary>
    public long Sequence;

    /// <summary>Scheduler clock timestamp when queued.</summary>
    public long EnqueuedAt;

    /// <summary>Scheduler clock timestamp when the queue timeout expires; <see cref="long.MaxValue"/> for none.</summary>
    public long ExpiresAt;
}
