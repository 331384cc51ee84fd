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
    private readonly RequestScheduler _scheduler;

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

    public void Dispose()
    {
        _scheduler.Dispose();
        _runtime.Dispose();
    }
}
