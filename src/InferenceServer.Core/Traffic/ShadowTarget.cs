namespace InferenceServer.Core.Traffic;

/// <summary>
/// A version that receives a mirrored copy of <see cref="Percent"/> % of a model's requests. Its responses are
/// only compared with the primary's, never returned. Mirrored requests wait in a queue of at most
/// <see cref="QueueSize"/>; when it is full the copy is dropped, so a slow shadow never slows the primary.
/// </summary>
public sealed record ShadowTarget(long Version, double Percent, int QueueSize = ShadowTarget.DefaultQueueSize)
{
    /// <summary>
    /// Queue bound when the policy gives none: deep enough to ride out a short burst, small enough that the
    /// mirrored tensors held while waiting stay a bounded amount of memory.
    /// </summary>
    public const int DefaultQueueSize = 64;

    /// <summary>
    /// Whether a request drawn with <paramref name="uniform"/> (in [0, 1), supplied by the caller so tests are
    /// deterministic) is mirrored: true for a fraction <see cref="Percent"/> / 100 of uniform draws.
    /// </summary>
    public bool Mirrors(double uniform) => uniform * 100 < Percent;
}
