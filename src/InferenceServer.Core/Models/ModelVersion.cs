using System.Globalization;
using Inference;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Scheduling;

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
    private readonly RequestScheduler _scheduler;
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _holders;
    private int _disposed;

    public ModelVersion(string name, long version, ModelConfig config, ModelSignature signature, IModelRuntime runtime, TimeProvider time)
    {
        Name = name;
        Version = version;
        VersionString = version.ToString(CultureInfo.InvariantCulture);
        Config = config;
        Signature = signature;
        Time = time;
        _runtime = runtime;
        SchedulerPolicy = SchedulerPolicy.FromConfig(config);
        Statistics = new ModelVersionStatistics(SchedulerPolicy.MaxBatchRows);
        _scheduler = new RequestScheduler(name, runtime.Instances, SchedulerPolicy, Statistics, time);
    }

    public string Name { get; }

    public long Version { get; }

    /// <summary>The version as the protocol writes it (decimal).</summary>
    public string VersionString { get; }

    public ModelConfig Config { get; }

    public ModelSignature Signature { get; }

    public ModelVersionStatistics Statistics { get; }

    /// <summary>How requests are queued and batched (from <c>dynamic_batching</c>).</summary>
    public SchedulerPolicy SchedulerPolicy { get; }

    public TimeProvider Time { get; }

    /// <summary>The platform string for metadata: <c>platform</c>, else <c>backend</c>.</summary>
    public string Platform => Config.Platform.Length > 0 ? Config.Platform : Config.Backend;

    public int PendingRequestCount => _scheduler.PendingCount;

    /// <summary>
    /// Validates the request against the signature and queues it. The returned task completes when
    /// the request has an answer; check <see cref="InferenceRequest.Error"/> afterwards.
    /// </summary>
    public ValueTask InferAsync(InferenceRequest request)
    {
        request.Version = this;
        var error = RequestValidator.Validate(this, request);
        if (error.IsError)
        {
            request.SetError(error);
            Statistics.Fail.Add(1, 0);
            return ValueTask.CompletedTask;
        }

        _scheduler.Enqueue(request);
        return request.WaitAsync();
    }

    /// <summary>
    /// Runs one synthetic request (zeros; one row when the model batches, variable dimensions as 1, empty
    /// "0" strings for BYTES) on every instance before the version is published, so ONNX Runtime's lazy
    /// initialisation is paid by the load, not by the first caller. Not counted in the statistics. The
    /// loader reports a failure next to the ready version: synthetic data may simply be outside what
    /// the model accepts.
    /// </summary>
    public InferenceError WarmUp()
    {
        foreach (var instance in _runtime.Instances)
        {
            var request = new InferenceRequest();
            try
            {
                foreach (var spec in Signature.Inputs)
                {
                    if (spec.Optional)
                    {
                        continue;
                    }

                    var dims = spec.Dimensions.Select(d => d < 0 ? 1 : d);
                    var shape = Tensors.TensorShape.Create(Signature.Batches ? [1, .. dims] : [.. dims]);
                    var elements = shape.ElementCount;
                    InferenceRequest.SetInputData(request.AddInput(spec.Name, spec.DataType, shape, spec), SyntheticData(spec.DataType, elements));
                }

                request.Version = this;
                var error = RequestValidator.Validate(this, request);
                if (error.IsError)
                {
                    return InferenceError.InvalidArgument($"warm-up request for model '{Name}' version {Version} is invalid: {error.Message}");
                }

                instance.Execute([request]);
                if (request.Error.IsError)
                {
                    return InferenceError.InvalidArgument($"warm-up of model '{Name}' version {Version} on instance {instance.Name} failed: {request.Error.Message}");
                }
            }
            catch (Exception ex)
            {
                return InferenceError.Internal($"warm-up of model '{Name}' version {Version} on instance {instance.Name} failed: {ex.Message}");
            }
            finally
            {
                request.TryReset();
            }
        }

        return InferenceError.None;
    }

    // Zeros; for BYTES the string "0" per element (length-prefixed), which models parsing numbers accept too.
    private static byte[] SyntheticData(Tensors.DataType type, long elements)
    {
        if (type != Tensors.DataType.Bytes)
        {
            return new byte[elements * Tensors.DataTypes.ElementSize(type)];
        }

        var data = new byte[elements * (Tensors.BytesTensor.PrefixSize + 1)];
        for (long i = 0; i < elements; i++)
        {
            Tensors.BytesTensor.WriteElement(data.AsSpan((int)(i * (Tensors.BytesTensor.PrefixSize + 1))), "0"u8);
        }

        return data;
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

        _scheduler.Dispose();
        _runtime.Dispose();
    }
}
