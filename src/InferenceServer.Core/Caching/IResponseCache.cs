namespace InferenceServer.Core.Caching;

/// <summary>
/// Where answered requests are kept by their key (<see cref="ResponseCacheKey"/>): in this process
/// (<see cref="LocalResponseCache"/>) or in a Redis server every replica shares (<see cref="RedisResponseCache"/>). An entry is
/// the encoded output tensors (<see cref="CachedOutputs"/>). A cache never fails a request: whatever goes wrong is a miss.
/// </summary>
public interface IResponseCache : IDisposable
{
    /// <summary>What <c>--cache-config</c> named: "local" or "redis".</summary>
    string Kind { get; }

    /// <summary>The entry stored under <paramref name="key"/>, or null (absent, or the cache could not answer in time).</summary>
    ValueTask<byte[]?> LookupAsync(UInt128 key);

    /// <summary>Keeps <paramref name="entry"/> under <paramref name="key"/>; the cache owns the array from now on and never changes it.</summary>
    void Store(UInt128 key, byte[] entry);
}
