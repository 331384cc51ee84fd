using System.Diagnostics;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Memory;
using InferenceServer.Core.Models;
using Microsoft.Extensions.Logging;

namespace InferenceServer.Core.Caching;

/// <summary>
/// The pipeline's response-cache step, for both protocols alike: after validation, a model with
/// <c>response_cache { enable: true }</c> looks its request up (<see cref="TryAnswerAsync"/>); a hit gets the cached output
/// tensors and skips scheduling, a miss is computed and then stored (<see cref="Store"/>) once it succeeded. Either way
/// classification and shared-memory delivery follow, so a cached answer is the computed one, byte for byte.
/// <para>
/// Statistics as Triton's: a hit counts as a success (request duration, zero queue time), never in the compute stages
/// or <c>inference_count</c>/<c>execution_count</c>; <c>cache_hit</c> holds lookup and copy time, <c>cache_miss</c> lookup
/// plus insert time. A model that asks for the cache on a server without one, or a sequence model (its answers depend on
/// its state, not only on the request), is served without it and says so once per loaded version.
/// </para>
/// </summary>
public sealed partial class ResponseCacheStep
{
    private readonly IResponseCache? _cache;
    private readonly ILogger _logger;

    public ResponseCacheStep(IResponseCache? cache, ILogger logger)
    {
        _cache = cache;
        _logger = logger;
    }

    /// <summary>The server's cache; null when <c>--cache-config</c> names none.</summary>
    public IResponseCache? Cache => _cache;

    /// <summary>Whether <paramref name="model"/>'s requests go through the cache.</summary>
    public bool Applies(ModelVersion model)
    {
        if (!model.WantsResponseCache)
        {
            return false;
        }

        if (_cache is not null && model.Sequences is null)
        {
            return true;
        }

        if (Interlocked.Exchange(ref model.ResponseCacheNoticeGiven, 1) == 0)
        {
            LogNotUsed(model.Name, model.Version, _cache is null
                ? $"the server has no cache (--{ResponseCacheConfig.Flag} local,size=BYTES or redis,host=…)"
                : "a sequence model's answers depend on its sequence's state");
        }

        return false;
    }

    /// <summary>Looks the request up; true when it was answered from the cache (its outputs are set).</summary>
    public ValueTask<bool> TryAnswerAsync(ModelVersion model, InferenceRequest request, PinnedBufferPool buffers)
    {
        var start = Stopwatch.GetTimestamp();
        var key = ResponseCacheKey.Compute(model, request);
        var lookup = _cache!.LookupAsync(key);
        return lookup.IsCompletedSuccessfully
            ? new ValueTask<bool>(Finish(model, request, buffers, key, lookup.Result, start))
            : Awaited(this, model, request, buffers, key, lookup, start);

        static async ValueTask<bool> Awaited(ResponseCacheStep step, ModelVersion model, InferenceRequest request, PinnedBufferPool buffers, UInt128 key,
            ValueTask<byte[]?> lookup, long start) =>
            step.Finish(model, request, buffers, key, await lookup.ConfigureAwait(false), start);
    }

    /// <summary>Stores a computed answer whose lookup missed (nothing for any other request).</summary>
    public void Store(ModelVersion model, InferenceRequest request)
    {
        if (request.Cache.State != CacheLookupState.Missed)
        {
            return;
        }

        var start = Stopwatch.GetTimestamp();
        _cache!.Store(request.Cache.Key, CachedOutputs.Encode(request.Outputs));
        model.Statistics.CacheMiss.Add(0, ModelVersionStatistics.ElapsedNanoseconds(start, Stopwatch.GetTimestamp()));
    }

    private bool Finish(ModelVersion model, InferenceRequest request, PinnedBufferPool buffers, UInt128 key, byte[]? entry, long start)
    {
        if (entry is not null && CachedOutputs.TryDecode(entry, model, request, buffers))
        {
            var end = Stopwatch.GetTimestamp();
            request.Version = model;
            request.Cache = new CacheLookup(key, CacheLookupState.Hit, ModelVersionStatistics.ElapsedNanoseconds(start, end));
            model.Statistics.RecordCacheHit(request.Cache.LookupNanoseconds, ModelVersionStatistics.ElapsedNanoseconds(request.ReceivedTimestamp, end));
            return true;
        }

        var lookupNanoseconds = ModelVersionStatistics.ElapsedNanoseconds(start, Stopwatch.GetTimestamp());
        request.Cache = new CacheLookup(key, CacheLookupState.Missed, lookupNanoseconds);
        model.Statistics.CacheMiss.Add(1, lookupNanoseconds);
        return false;
    }

    [LoggerMessage(EventId = Logging.EventIds.ResponseCacheNotUsed, Level = LogLevel.Information,
        Message = "Model '{Model}' version {Version} asks for response_cache, but its answers are computed every time: {Reason}")]
    private partial void LogNotUsed(string model, long version, string reason);
}
