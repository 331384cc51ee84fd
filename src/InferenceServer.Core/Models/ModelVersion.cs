using System.Globalization;
using Inference;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Models.WarmUp;
using InferenceServer.Core.Scheduling;
using InferenceServer.Core.Scheduling.Sequences;
using InferenceServer.Core.Telemetry;
using InferenceServer.Core.Telemetry.Latency;
using InferenceServer.Core.Telemetry.Profiles;

namespace InferenceServer.Core.Models;

/// <summary>
/// A loaded, ready model version: its completed config, signature, scheduler and statistics.
/// Immutable once published; a reload builds a new one.
/// </summary>
public sealed class ModelVersion : IDisposable
{
    private readonly IModelRuntime _runtime;
    // Requests that hold this version (between TryAcquire and Release), plus RetiredFlag once retired.
    private const int RetiredFlag = 1 << 30;
    // Exactly one of the two: a sequence model's scheduler, or the dynamic batcher (or none) of any other.
    private readonly RequestScheduler? _scheduler;
    private readonly SequenceScheduler? _sequences;
    // An ensemble's: its steps queue at their composing models (then neither of the two above).
    private readonly Ensembles.EnsembleScheduler? _ensemble;
    private readonly IVersionObserver _observer;
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _holders;
    private int _disposed;

    /// <param name="observers">Makes this version's observer (metrics); none when telemetry is off.</param>
    /// <param name="profile">The input/output profile and drift reference; null when sketches are off.</param>
    /// <param name="latency">Latency sketches; null when sketches are off.</param>
    public ModelVersion(string name, long version, ModelConfig config, ModelSignature signature, IModelRuntime runtime, TimeProvider time,
        IVersionObserverFactory? observers = null, VersionProfile? profile = null, LatencySketches? latency = null)
    {
        Name = name;
        Version = version;
        VersionString = version.ToString(CultureInfo.InvariantCulture);
        Config = config;
        Signature = signature;
        Time = time;
        _runtime = runtime;
        var sequencePolicy = config.SequenceBatching is null ? null : SequencePolicy.FromConfig(config, runtime.Instances.Count);
        SchedulerPolicy = sequencePolicy?.Batching ?? SchedulerPolicy.FromConfig(config);
        _observer = (observers ?? NullVersionObserver.Instance).Create(name, version, SchedulerPolicy.MaxBatchRows);
        Statistics = new ModelVersionStatistics(SchedulerPolicy.MaxBatchRows, _observer, latency);
        Profile = profile;
        if (runtime is Ensembles.EnsembleRuntime ensemble)
        {
            _ensemble = ensemble.Scheduler;
        }
        else if (sequencePolicy is null)
        {
            _scheduler = new RequestScheduler(name, runtime.Instances, SchedulerPolicy, Statistics, time);
        }
        else
        {
            _sequences = new SequenceScheduler(name, signature, sequencePolicy, runtime.Instances, Statistics, time);
        }
    }

    public string Name { get; }

    /// <summary>Whether the config asks for the response cache (<c>response_cache { enable: true }</c>).</summary>
    public bool WantsResponseCache => Config.ResponseCache?.Enable == true;

    /// <summary>
    /// The loaded files' identity in the response cache's key (<see cref="Caching.ResponseCacheIdentity"/>); set at load for
    /// models that ask for the cache, zero otherwise.
    /// </summary>
    public UInt128 CacheIdentity { get; internal set; }

    /// <summary>Set once the version said why it is served without the response cache (said once per version).</summary>
    internal int ResponseCacheNoticeGiven;

    public long Version { get; }

    /// <summary>The version as the protocol writes it (decimal).</summary>
    public string VersionString { get; }

    public ModelConfig Config { get; }

    /// <summary>Memory the version holds per device, measured at load (Triton's <c>memory_usage</c> statistics).</summary>
    public IReadOnlyList<VersionMemoryUsage> MemoryUsage => _runtime.MemoryUsage;

    /// <summary>The version's model instances (tests look at where they run).</summary>
    internal IReadOnlyList<IModelInstance> Instances => _runtime.Instances;

    public ModelSignature Signature { get; }

    public ModelVersionStatistics Statistics { get; }

    /// <summary>
    /// Distribution sketches of inputs and outputs, and the drift reference; null when sketches are off. Front ends
    /// call <see cref="VersionProfile.Observe"/> once a request succeeded.
    /// </summary>
    public VersionProfile? Profile { get; }

    /// <summary>A sequence model's scheduler (<c>sequence_batching</c>); null for other models.</summary>
    public SequenceScheduler? Sequences => _sequences;

    /// <summary>How requests are queued and batched (from <c>dynamic_batching</c>, or a sequence model's strategy).</summary>
    public SchedulerPolicy SchedulerPolicy { get; }

    public TimeProvider Time { get; }

    /// <summary>The platform string for metadata: <c>platform</c>, else <c>backend</c>.</summary>
    public string Platform => Config.Platform.Length > 0 ? Config.Platform : Config.Backend;

    public int PendingRequestCount => _ensemble?.RunningCount ?? _sequences?.PendingCount ?? _scheduler!.PendingCount;

    /// <summary>Whether this version is an ensemble (<c>platform: "ensemble"</c>): its steps run on the composing models.</summary>
    public bool IsEnsemble => _ensemble is not null;

    /// <summary>Completes once at least <paramref name="count"/> requests wait in this version's queue.</summary>
    public Task QueuedAsync(int count) => _ensemble is not null
        ? throw new NotSupportedException($"ensemble '{Name}' has no queue of its own; watch its composing models' queues")
        : _sequences?.QueuedAsync(count) ?? _scheduler!.QueuedAsync(count);

    /// <summary>
    /// Validates the request against the signature and queues it. The returned task completes when
    /// the request has an answer; check <see cref="InferenceRequest.Error"/> afterwards.
    /// </summary>
    public ValueTask InferAsync(InferenceRequest request)
    {
        var error = RequestValidator.Validate(this, request);
        if (!error.IsError)
        {
            error = AdmitToSequence(request);
        }

        if (error.IsError)
        {
            request.Version = this;
            request.SetError(error);
            Statistics.RecordFailure(FailureReason.Other, 0);
            return ValueTask.CompletedTask;
        }

        return ScheduleAsync(request);
    }

    /// <summary>
    /// Queues a request already validated against this version (<see cref="Inference.Pipeline.InferencePipeline"/> validates
    /// once, before it schedules). Failures from here on are the version's: execution, queue full, timeouts.
    /// </summary>
    internal ValueTask ScheduleAsync(InferenceRequest request)
    {
        request.Version = this;
        if (_ensemble is not null)
        {
            return _ensemble.ScheduleAsync(this, request);
        }

        if (_sequences is not null)
        {
            return _sequences.ScheduleAsync(request);
        }

        _scheduler!.Enqueue(request);
        return request.WaitAsync();
    }

    /// <summary>
    /// For a sequence model, checks a validated request's sequence parameters and takes its place in its sequence (the
    /// pipeline's step just before <see cref="ScheduleAsync"/>, which must follow); a refusal is the client's. Nothing for
    /// other models: they ignore the sequence parameters, as in Triton.
    /// </summary>
    internal InferenceError AdmitToSequence(InferenceRequest request) => _sequences?.Admit(request) ?? InferenceError.None;

    /// <summary>
    /// Runs each warm-up sample on every instance before the version is published (<see cref="WarmUpSamples"/>),
    /// so the first callers do not pay ONNX Runtime's lazy initialisation. Not counted in the statistics.
    /// Returns the first failure, naming the model, version, sample and instance.
    /// </summary>
    public InferenceError WarmUp(IReadOnlyList<WarmUpSample> samples)
    {
        foreach (var instance in _runtime.Instances)
        {
            foreach (var sample in samples)
            {
                for (var run = 0; run < sample.Count; run++)
                {
                    var error = WarmUp(instance, sample);
                    if (error.IsError)
                    {
                        return error;
                    }
                }
            }
        }

        return InferenceError.None;
    }

    private InferenceError WarmUp(IModelInstance instance, WarmUpSample sample)
    {
        var request = new InferenceRequest();
        try
        {
            foreach (var input in sample.Inputs)
            {
                InferenceRequest.SetInputData(request.AddInput(input.Name, input.DataType, input.Shape, Signature.FindInput(input.Name)), input.Data);
            }

            request.Version = this;
            var error = RequestValidator.Validate(this, request);
            if (error.IsError)
            {
                return InferenceError.InvalidArgument($"warm-up sample '{sample.Name}' for model '{Name}' version {Version} is invalid: {error.Message}");
            }

            _sequences?.AttachStandalone(request);
            instance.Execute([request]);
            return request.Error.IsError
                ? InferenceError.InvalidArgument($"warm-up sample '{sample.Name}' of model '{Name}' version {Version} failed on instance {instance.Name}: {request.Error.Message}")
                : InferenceError.None;
        }
        catch (Exception ex)
        {
            return InferenceError.Internal($"warm-up sample '{sample.Name}' of model '{Name}' version {Version} failed on instance {instance.Name}: {ex.Message}");
        }
        finally
        {
            request.TryReset();
        }
    }

    /// <summary>Requests currently holding this version.</summary>
    public int InFlightCount => Volatile.Read(ref _holders) & ~RetiredFlag;

    /// <summary>Whether the version was retired (replaced or unloaded): it takes no new requests.</summary>
    public bool IsRetired => (Volatile.Read(ref _holders) & RetiredFlag) != 0;

    /// <summary>
    /// Holds the version for one request; false once it is retired (the caller resolves again and finds
    /// its successor). Every successful call is paired with <see cref="Release"/>.
    /// </summary>
    public bool TryAcquire()
    {
        if ((Interlocked.Increment(ref _holders) & RetiredFlag) == 0)
        {
            return true;
        }

        Release();
        return false;
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref _holders) == RetiredFlag)
        {
            _drained.TrySetResult();
        }
    }

    /// <summary>
    /// Stops new requests from acquiring the version, waits until every request holding it has finished,
    /// then disposes it (scheduler threads, ONNX Runtime sessions). Call after a table without it is published.
    /// </summary>
    public async Task RetireAsync()
    {
        if ((Interlocked.Or(ref _holders, RetiredFlag) & RetiredFlag) != 0)
        {
            await _drained.Task.ConfigureAwait(false);
            return;
        }

        if (Volatile.Read(ref _holders) == RetiredFlag)
        {
            _drained.TrySetResult();
        }

        await _drained.Task.ConfigureAwait(false);
        Dispose();
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _scheduler?.Dispose();
        _sequences?.Dispose();
        _runtime.Dispose();
        _observer.Dispose();
    }
}
