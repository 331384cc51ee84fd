using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;

namespace InferenceServer.Core.Caching;

/// <summary>
/// The cache every replica shares (<c>--cache-config redis,host=…,port=…</c>): entries live in Redis under
/// <c>inference-server:response:&lt;key hex&gt;</c> with a time to live. Redis never fails or holds up a request: a lookup
/// waits at most <see cref="RedisCacheSettings.WaitTimeoutMilliseconds"/> (plus the connect timeout when it must connect),
/// and anything that goes wrong — refused, timed out, an error reply — is a miss, counted in <see cref="Errors"/>, after
/// which Redis is left alone for <see cref="RedisCacheSettings.RetryIntervalMilliseconds"/> so a dead server costs one
/// timeout per interval, not one per request. Stores are sent after the answer, never awaited by a request, and at most
/// <see cref="MaxStoresInFlight"/> at once (more are dropped: the cache is an optimisation, not a queue).
/// Connections are pooled; one carries one command at a time. Every exception of a lookup or store is caught: a broken
/// cache (even one disposed under a request at shutdown) must never fail a request.
/// </summary>
public sealed partial class RedisResponseCache : IResponseCache
{
    /// <summary>Stores on their way to Redis beyond which new ones are dropped.</summary>
    public const int MaxStoresInFlight = 64;

    private static readonly byte[] KeyPrefix = "inference-server:response:"u8.ToArray();
    private readonly RedisCacheSettings _settings;
    private readonly ILogger _logger;
    private readonly string _server;
    private readonly ConcurrentBag<RespConnection> _idle = [];
    private long _retryAfter;
    private long _errors;
    private long _skipped;
    private int _storesInFlight;
    private int _down;
    private int _disposed;

    public RedisResponseCache(RedisCacheSettings settings, ILogger<RedisResponseCache> logger)
    {
        _settings = settings;
        _logger = logger;
        _server = settings.ToString();
    }

    public string Kind => "redis";

    /// <summary>Lookups and stores that failed or timed out (each one a miss, or a store not made).</summary>
    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>Lookups answered as misses without asking Redis, while it was being left alone after a failure.</summary>
    public long Skipped => Interlocked.Read(ref _skipped);

    public async ValueTask<byte[]?> LookupAsync(UInt128 key)
    {
        if (Resting())
        {
            Interlocked.Increment(ref _skipped);
            return null;
        }

        using var timeout = new CancellationTokenSource(_settings.WaitTimeoutMilliseconds + (_idle.IsEmpty ? _settings.ConnectTimeoutMilliseconds : 0));
        RespConnection? connection = null;
        try
        {
            connection = await RentAsync(timeout.Token).ConfigureAwait(false);
            var value = await connection.GetAsync(RedisKey(key), timeout.Token).ConfigureAwait(false);
            Return(connection);
            Recovered();
            return value;
        }
        catch (Exception ex)
        {
            connection?.Dispose();
            Failed(ex);
            return null;
        }
    }

    public void Store(UInt128 key, byte[] entry)
    {
        if (Resting())
        {
            return;
        }

        if (Interlocked.Increment(ref _storesInFlight) > MaxStoresInFlight)
        {
            Interlocked.Decrement(ref _storesInFlight);
            return;
        }

        _ = StoreAsync(key, entry);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        while (_idle.TryTake(out var connection))
        {
            connection.Dispose();
        }
    }

    private async Task StoreAsync(UInt128 key, byte[] entry)
    {
        RespConnection? connection = null;
        try
        {
            using var timeout = new CancellationTokenSource(_settings.WaitTimeoutMilliseconds + _settings.ConnectTimeoutMilliseconds);
            connection = await RentAsync(timeout.Token).ConfigureAwait(false);
            await connection.SetAsync(RedisKey(key), entry, _settings.TimeToLiveSeconds, timeout.Token).ConfigureAwait(false);
            Return(connection);
        }
        catch (Exception ex)
        {
            connection?.Dispose();
            Failed(ex);
        }
        finally
        {
            Interlocked.Decrement(ref _storesInFlight);
        }
    }

    private bool Resting() => Environment.TickCount64 < Interlocked.Read(ref _retryAfter);

    private async ValueTask<RespConnection> RentAsync(CancellationToken cancellation) =>
        _idle.TryTake(out var connection) ? connection : await RespConnection.OpenAsync(_settings, cancellation).ConfigureAwait(false);

    private void Return(RespConnection connection)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            connection.Dispose();
            return;
        }

        _idle.Add(connection);
    }

    private void Failed(Exception ex)
    {
        Interlocked.Increment(ref _errors);
        Interlocked.Exchange(ref _retryAfter, Environment.TickCount64 + _settings.RetryIntervalMilliseconds);

        // Other pooled connections may be as broken as this one; the next lookup after the pause connects afresh.
        while (_idle.TryTake(out var idle))
        {
            idle.Dispose();
        }

        if (Interlocked.Exchange(ref _down, 1) == 0)
        {
            LogUnreachable(_server, _settings.RetryIntervalMilliseconds, ex.Message);
        }
    }

    private void Recovered()
    {
        if (Volatile.Read(ref _down) != 0 && Interlocked.Exchange(ref _down, 0) == 1)
        {
            LogRecovered(_server);
        }
    }

    private static byte[] RedisKey(UInt128 key)
    {
        var bytes = new byte[KeyPrefix.Length + 32];
        KeyPrefix.CopyTo(bytes, 0);
        Encoding.ASCII.GetBytes(key.ToString("x32", System.Globalization.CultureInfo.InvariantCulture), bytes.AsSpan(KeyPrefix.Length));
        return bytes;
    }

    [LoggerMessage(EventId = Logging.EventIds.ResponseCacheUnreachable, Level = LogLevel.Warning,
        Message = "Response cache: Redis at {Server} did not answer ({Reason}); requests are computed, and Redis is tried again every {RetryMilliseconds} ms")]
    private partial void LogUnreachable(string server, int retryMilliseconds, string reason);

    [LoggerMessage(EventId = Logging.EventIds.ResponseCacheRecovered, Level = LogLevel.Information, Message = "Response cache: Redis at {Server} answers again")]
    private partial void LogRecovered(string server);
}
