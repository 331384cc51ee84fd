using System.Globalization;

namespace InferenceServer.Core.Caching;

/// <summary>
/// <c>--cache-config</c> as tritonserver spells it: <c>&lt;cache&gt;,&lt;key&gt;=&lt;value&gt;</c>, repeatable (Triton gives one
/// key per flag; several keys in one value are accepted too): <c>local,size=BYTES</c>, or <c>redis,host=…</c>, <c>port</c>,
/// <c>user</c>, <c>password</c>, <c>db</c>, <c>ttl</c> (seconds), <c>wait_timeout_ms</c>, <c>connect_timeout_ms</c>. No
/// value: no cache, and models that ask for <c>response_cache</c> are computed every time (as Triton). One cache per server.
/// </summary>
public sealed record ResponseCacheConfig
{
    public const string Flag = "cache-config";

    /// <summary>The local cache's byte budget; null unless the cache is local.</summary>
    public long? LocalByteSize { get; init; }

    /// <summary>The Redis cache's settings; null unless the cache is Redis.</summary>
    public RedisCacheSettings? Redis { get; init; }

    /// <summary>Whether any cache is configured.</summary>
    public bool Enabled => LocalByteSize is not null || Redis is not null;

    /// <summary>Checks one flag value on its own.</summary>
    public static string? CheckEntry(string entry) => Apply(entry, new ResponseCacheConfig(), out _);

    /// <summary>The cache all the flag's values describe, in order; the error names the bad value.</summary>
    public static string? TryBuild(IEnumerable<string> entries, out ResponseCacheConfig config)
    {
        config = new ResponseCacheConfig();
        foreach (var entry in entries)
        {
            if (Apply(entry, config, out config) is { } error)
            {
                return error;
            }
        }

        return config.LocalByteSize is not null && config.Redis is not null
            ? $"--{Flag}: one cache per server: local or redis, not both"
            : null;
    }

    private static string? Apply(string entry, ResponseCacheConfig config, out ResponseCacheConfig next)
    {
        next = config;
        var parts = entry.Split(',');
        if (parts.Length < 2 || parts[0] is not ("local" or "redis"))
        {
            return $"--{Flag} takes local,size=BYTES or redis,<key>=<value>, got '{entry}'";
        }

        foreach (var part in parts.AsSpan(1))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                return $"--{Flag} takes {parts[0]},<key>=<value>, got '{entry}'";
            }

            var error = parts[0] == "local"
                ? ApplyLocal(part[..equals], part[(equals + 1)..], next, out next)
                : ApplyRedis(part[..equals], part[(equals + 1)..], next, out next);
            if (error is not null)
            {
                return $"--{Flag}: {parts[0]},{error}";
            }
        }

        return null;
    }

    private static string? ApplyLocal(string key, string value, ResponseCacheConfig config, out ResponseCacheConfig next)
    {
        next = config;
        if (key != "size")
        {
            return $"{key}: unknown key (local takes size)";
        }

        if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var size) || size <= 0)
        {
            return $"size must be a positive number of bytes, got '{value}'";
        }

        next = config with { LocalByteSize = size };
        return null;
    }

    private static string? ApplyRedis(string key, string value, ResponseCacheConfig config, out ResponseCacheConfig next)
    {
        var redis = config.Redis ?? new RedisCacheSettings();
        next = config;
        switch (key)
        {
            case "host":
                if (value.Length == 0)
                {
                    return "host must not be empty";
                }

                redis = redis with { Host = value };
                break;
            case "port":
                if (Number(value, 1, 65535) is not { } port)
                {
                    return $"port must be in [1, 65535], got '{value}'";
                }

                redis = redis with { Port = (int)port };
                break;
            case "user" or "username":
                redis = redis with { User = value };
                break;
            case "password":
                redis = redis with { Password = value };
                break;
            case "db":
                if (Number(value, 0, int.MaxValue) is not { } db)
                {
                    return $"db must be a database number, got '{value}'";
                }

                redis = redis with { Database = (int)db };
                break;
            case "ttl":
                if (Number(value, 0, long.MaxValue / 1000) is not { } ttl)
                {
                    return $"ttl must be seconds (0: no expiry), got '{value}'";
                }

                redis = redis with { TimeToLiveSeconds = ttl };
                break;
            case "wait_timeout_ms":
                if (Number(value, 1, 60_000) is not { } wait)
                {
                    return $"wait_timeout_ms must be in [1, 60000], got '{value}'";
                }

                redis = redis with { WaitTimeoutMilliseconds = (int)wait };
                break;
            case "connect_timeout_ms":
                if (Number(value, 1, 60_000) is not { } connect)
                {
                    return $"connect_timeout_ms must be in [1, 60000], got '{value}'";
                }

                redis = redis with { ConnectTimeoutMilliseconds = (int)connect };
                break;
            default:
                return $"{key}: unknown key (redis takes host, port, user, password, db, ttl, wait_timeout_ms, connect_timeout_ms)";
        }

        next = config with { Redis = redis };
        return null;
    }

    private static long? Number(string text, long min, long max) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max ? value : null;
}
