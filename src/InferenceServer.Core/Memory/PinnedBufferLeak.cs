namespace InferenceServer.Core.Memory;

/// <summary>One lease not yet returned, as recorded by a debug-mode <see cref="PinnedBufferPool"/>.</summary>
/// <param name="Length">Bytes the renter asked for (after any <see cref="PinnedBuffer.Truncate"/>).</param>
/// <param name="Capacity">Bytes allocated.</param>
/// <param name="IsFallback">An exact-size allocation outside the pool's budget.</param>
/// <param name="RentSequence">The pool's rent counter when it was rented (1 is the pool's first rent).</param>
/// <param name="Age">Time since it was rented, on the pool's <see cref="TimeProvider"/>.</param>
/// <param name="RentStackTrace">Where it was rented, the pool's own frames left out.</param>
public sealed record PinnedBufferLeak(int Length, int Capacity, bool IsFallback, long RentSequence, TimeSpan Age, string RentStackTrace) : ILeaseLeak
{
    string ILeaseLeak.Describe() => $"{Length} of {Capacity} bytes{(IsFallback ? " (fallback)" : "")}";
}
