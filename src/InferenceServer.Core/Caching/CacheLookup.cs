namespace InferenceServer.Core.Caching;

/// <summary>A request's trip through the response cache: not looked up, answered from it, or missed (then stored under <see cref="Key"/> once computed).</summary>
internal readonly record struct CacheLookup(UInt128 Key, CacheLookupState State, long LookupNanoseconds);

/// <summary>Where a request stands with the response cache.</summary>
internal enum CacheLookupState
{
    None,
    Hit,
    Missed,
}
