namespace InferenceServer.Core.Memory;

/// <summary>
/// One lease a debug-mode pool handed out and has not had back: what every pool's leak record has in
/// common, so <see cref="LeaseLeakReport{TLeak}"/> can print the leaks of any pool the same way.
/// </summary>
public interface ILeaseLeak
{
    /// <summary>The pool's rent counter when it was rented (1 is the pool's first rent): orders leases oldest first.</summary>
    long RentSequence { get; }

    /// <summary>Time since it was rented, on the pool's <see cref="TimeProvider"/>.</summary>
    TimeSpan Age { get; }

    /// <summary>Where it was rented, the pool's own frames left out.</summary>
    string RentStackTrace { get; }

    /// <summary>What is leased, in a few words for a log line ("100 of 4096 bytes (fallback)").</summary>
    string Describe();
}
