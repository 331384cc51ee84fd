namespace InferenceServer.Core.Memory;

/// <summary>One lease not yet returned, as recorded by a debug-mode <see cref="DeviceMemoryPool"/>.</summary>
/// <param name="Length">Bytes the renter asked for.</param>
/// <param name="Capacity">Bytes of device memory behind the lease.</param>
/// <param name="IsOverflow">An exact-size block outside the pool's budget.</param>
/// <param name="RentSequence">The pool's rent counter when it was rented (1 is the pool's first rent).</param>
/// <param name="Age">Time since it was rented, on the pool's <see cref="TimeProvider"/>.</param>
/// <param name="RentStackTrace">Where it was rented, the pool's own frames left out.</param>
public sealed record DeviceBufferLeak(int Length, int Capacity, bool IsOverflow, long RentSequence, TimeSpan Age, string RentStackTrace) : ILeaseLeak
{
    string ILeaseLeak.Describe() => $"{Length} of {Capacity} device bytes{(IsOverflow ? " (overflow)" : "")}";
}
