namespace InferenceServer.Core.Caching;

/// <summary>
/// <c>--cache-config redis,…</c>: Triton's Redis cache keys (<c>host</c>, <c>port</c>, <c>user</c>, <c>password</c>,
/// <c>db</c>, <c>wait_timeout_ms</c>, <c>connect_timeout_ms</c>) plus this server's <c>ttl</c>.
/// </summary>
public sealed record RedisCacheSettings
{
    public string Host { get; init; } = "localhost";

    public int Port { get; init; } = 6379;

    /// <summary>An ACL user for AUTH (with <see cref="Password"/>); empty: the default user.</summary>
    public string User { get; init; } = "";

    /// <summary>Empty: no AUTH.</summary>
    public string Password { get; init; } = "";

    /// <summary>The logical database (SELECT), 0 by default.</summary>
    public int Database { get; init; }

    /// <summary>
    /// Seconds an entry lives (SET … EX); 0 keeps it until Redis evicts it by its own policy. One hour by default: answers
    /// outlive a model version only until the key moves on (the version and its files are in the key), so this bounds what
    /// a retired version leaves behind.
    /// </summary>
    public long TimeToLiveSeconds { get; init; } = 3600;

    /// <summary>
    /// How long a lookup waits for Redis before the request is computed instead (20 ms by default: a loopback or in-zone
    /// round trip is well under a millisecond, and the wait is added to a miss).
    /// </summary>
    public int WaitTimeoutMilliseconds { get; init; } = 20;

    /// <summary>How long opening a connection may take (100 ms by default); a lookup that has to connect waits this too.</summary>
    public int ConnectTimeoutMilliseconds { get; init; } = 100;

    /// <summary>
    /// After a failure (refused, timed out, an error reply), Redis is left alone for this long and every request is computed
    /// (1 s by default): a server that is down costs one timeout per second, not one per request.
    /// </summary>
    public int RetryIntervalMilliseconds { get; init; } = 1000;

    public override string ToString() => $"{Host}:{Port}";
}
