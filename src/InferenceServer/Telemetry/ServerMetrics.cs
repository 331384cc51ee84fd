using System.Globalization;
using InferenceServer.Core.Memory;
using InferenceServer.Core.Models;
using InferenceServer.Core.Models.Lifecycle;
using InferenceServer.Core.Models.Repository;
using InferenceServer.Core.Telemetry;
using InferenceServer.Core.Telemetry.Drift;
using InferenceServer.Core.Telemetry.Latency;
using InferenceServer.Core.Telemetry.Profiles;
using InferenceServer.Hosting;
using Prometheus;

namespace InferenceServer.Telemetry;

/// <summary>
/// The server's Prometheus metrics, in a registry of its own (so servers in one process do not mix). Triton's
/// counters and gauges (<c>nv_*</c>, labelled <c>model</c> and <c>version</c>) are read from the versions'
/// statistics when scraped, costing the request path nothing; the histograms Triton lacks are fed as requests
/// finish (<see cref="PrometheusVersionObserver"/>) so quantiles aggregate across pods.
/// </summary>
internal sealed class ServerMetrics : IVersionObserverFactory
{
    private static readonly string[] VersionLabels = ["model", "version"];
    private readonly PinnedBufferPool _pool;
    private readonly Counter _success;
    private readonly Counter _failure;
    private readonly Counter _inferenceCount;
    private readonly Counter _executionCount;
    private readonly Counter _requestDurationUs;
    private readonly Counter _queueDurationUs;
    private readonly Counter _computeInputUs;
    private readonly Counter _computeInferUs;
    private readonly Counter _computeOutputUs;
    private readonly Counter _cacheHits;
    private readonly Counter _cacheMisses;
    private readonly Counter _cacheHitUs;
    private readonly Counter _cacheMissUs;
    private readonly Gauge _pending;
    private readonly Gauge _poolTotal;
    private readonly Gauge _poolUsed;
    private readonly Gauge _ready;
    private readonly Counter _loadFailures;
    private readonly Counter _pollFailures;
    private readonly Gauge _latency;
    private readonly Gauge[] _driftStatistics;
    private readonly Gauge _driftLevel;
    private readonly Gauge _featureShare;
    private readonly Counter _shadowRequests;
    private readonly Gauge _shadowDivergence;
    private readonly Gauge _canaryRolledBack;
    private readonly GpuMetrics? _gpus;
    private LoadedModels? _models;
    private RepositoryPoller? _poller;

    // Label sets exported by the last scrape, so series of versions that are gone can be removed.
    private HashSet<(string Model, string Version)> _exported = [];

    /// <param name="gpus">The GPUs found at start-up, for Triton's nv_gpu_* gauges; null exports none.</param>
    public ServerMetrics(PinnedBufferPool pool, GpuSetup? gpus = null)
    {
        _pool = pool;
        Registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(Registry);
        _success = factory.CreateCounter("nv_inference_request_success", "Number of successful inference requests, all batch sizes", VersionLabels);
        _failure = factory.CreateCounter("nv_inference_request_failure", "Number of failed inference requests, all batch sizes", ["model", "version", "reason"]);
        _inferenceCount = factory.CreateCounter("nv_inference_count", "Number of inferences performed (rows; does not include cached requests)", VersionLabels);
        _executionCount = factory.CreateCounter("nv_inference_exec_count", "Number of model executions performed (batches)", VersionLabels);
        _requestDurationUs = factory.CreateCounter("nv_inference_request_duration_us", "Cumulative inference request duration in microseconds", VersionLabels);
        _queueDurationUs = factory.CreateCounter("nv_inference_queue_duration_us", "Cumulative inference queuing duration in microseconds", VersionLabels);
        _computeInputUs = factory.CreateCounter("nv_inference_compute_input_duration_us", "Cumulative compute input duration in microseconds", VersionLabels);
        _computeInferUs = factory.CreateCounter("nv_inference_compute_infer_duration_us", "Cumulative compute inference duration in microseconds", VersionLabels);
        _computeOutputUs = factory.CreateCounter("nv_inference_compute_output_duration_us", "Cumulative inference compute output duration in microseconds", VersionLabels);
        _cacheHits = factory.CreateCounter("nv_cache_num_hits_per_model", "Number of response cache hits per model", VersionLabels);
        _cacheMisses = factory.CreateCounter("nv_cache_num_misses_per_model", "Number of response cache misses per model", VersionLabels);
        _cacheHitUs = factory.CreateCounter("nv_cache_hit_duration_per_model", "Total cache hit duration per model, in microseconds (lookup and copy)", VersionLabels);
        _cacheMissUs = factory.CreateCounter("nv_cache_miss_duration_per_model", "Total cache miss duration per model, in microseconds (lookup and insert)", VersionLabels);
        _pending = factory.CreateGauge("nv_inference_pending_request_count", "Instantaneous number of pending requests awaiting execution", VersionLabels);
        _poolTotal = factory.CreateGauge("nv_pinned_memory_pool_total_bytes", "Byte budget of the pinned tensor pool");
        _poolUsed = factory.CreateGauge("nv_pinned_memory_pool_used_bytes", "Bytes of the pinned tensor pool rented out now");
        _ready = factory.CreateGauge("inference_server_model_ready", "1 when the model version serves, 0 when it is known but not ready", VersionLabels);
        _loadFailures = factory.CreateCounter("inference_server_model_load_failures_total", "Versions (or whole models) that failed to load", ["model"]);
        _pollFailures = factory.CreateCounter("inference_server_repository_poll_failures_total", "Repository polls that could not read the repository (nothing changed on those polls; the log says why)");
        _latency = factory.CreateGauge("inference_server_latency_seconds", "Latency quantiles from the version's sketches (1 % relative accuracy)",
            ["model", "version", "stage", "window", "quantile"]);
        string[] driftLabels = ["model", "version", "kind", "tensor", "feature", "window"];
        _driftStatistics = DriftStatistics.All.Select(s => factory.CreateGauge(s.MetricName, s.Help, driftLabels)).ToArray();
        _driftLevel = factory.CreateGauge("inference_server_drift_level", "A feature's drift level against the version's reference: 0 none, 1 warning, 2 drift", driftLabels);
        _featureShare = factory.CreateGauge("inference_server_drift_feature_share", "Share of scored features at warning level or above, or at drift level",
            ["model", "version", "window", "level"]);
        _shadowRequests = factory.CreateCounter("inference_server_shadow_requests_total", "Requests mirrored to a shadow version, by outcome (mirrored, dropped when its queue was full, completed, failed)",
            ["model", "shadow_version", "outcome"]);
        _shadowDivergence = factory.CreateGauge("inference_server_shadow_divergence", "Shadow vs primary answers per output: max_abs_diff, mean_abs_diff, argmax_agreement",
            ["model", "shadow_version", "output", "statistic"]);
        _canaryRolledBack = factory.CreateGauge("inference_server_canary_rolled_back", "1 when the rollback guard took the model's canary out of rotation, 0 while the policy's canary serves",
            ["model"]);
        RequestDuration = factory.CreateHistogram("inference_server_request_duration_seconds", "Time a successful request spent in the server, arrival to response",
            new HistogramConfiguration { LabelNames = VersionLabels, Buckets = MetricBuckets.Durations });
        QueueDuration = factory.CreateHistogram("inference_server_queue_duration_seconds", "Time a successful request waited in the queue",
            new HistogramConfiguration { LabelNames = VersionLabels, Buckets = MetricBuckets.Durations });
        ComputeDuration = factory.CreateHistogram("inference_server_compute_duration_seconds", "Time of one model execution (input, infer, output)",
            new HistogramConfiguration { LabelNames = VersionLabels, Buckets = MetricBuckets.Durations });
        BatchSize = factory.CreateHistogram("inference_server_batch_size", "Rows per model execution",
            new HistogramConfiguration { LabelNames = VersionLabels, Buckets = MetricBuckets.BatchSizes });
        _gpus = gpus is null ? null : new GpuMetrics(factory, gpus);
        Registry.AddBeforeCollectCallback(Collect);
    }

    public CollectorRegistry Registry { get; }

    public Histogram RequestDuration { get; }

    public Histogram QueueDuration { get; }

    public Histogram ComputeDuration { get; }

    public Histogram BatchSize { get; }

    /// <summary>Where the counters are read from; set once the manager exists (it needs this factory first).</summary>
    /// <param name="models">The loaded models.</param>
    /// <param name="poller">The repository poller in poll mode, else null.</param>
    public void Bind(LoadedModels models, RepositoryPoller? poller)
    {
        _models = models;
        _poller = poller;
    }

    public IVersionObserver Create(string model, long version, int maxBatchRows) =>
        new PrometheusVersionObserver(this, model, version.ToString(CultureInfo.InvariantCulture));

    /// <summary>Drops a disposed version's histogram series.</summary>
    public void RemoveVersion(string[] labels)
    {
        RequestDuration.RemoveLabelled(labels);
        QueueDuration.RemoveLabelled(labels);
        ComputeDuration.RemoveLabelled(labels);
        BatchSize.RemoveLabelled(labels);
    }

    private void Collect()
    {
        _poolTotal.Set(_pool.ByteBudget);
        _poolUsed.Set(_pool.RentedBytes);
        _gpus?.Collect();
        if (_models is not { } models)
        {
            return;
        }

        var exported = new HashSet<(string, string)>();
        foreach (var entry in models.Catalog.Table.Models.Values)
        {
            foreach (var version in entry.Versions)
            {
                var labels = (entry.Name, version.Version.ToString(CultureInfo.InvariantCulture));
                exported.Add(labels);
                _ready.WithLabels(labels.Name, labels.Item2).Set(version.Loaded is null ? 0 : 1);
                if (version.Loaded is { } loaded)
                {
                    Export(loaded, labels.Name, labels.Item2);
                }
            }
        }

        ExportShadows(models);
        foreach (var (model, failures) in models.Lifecycle.LoadFailures)
        {
            _loadFailures.WithLabels(model).IncTo(failures);
        }

        if (_poller is { } poller)
        {
            _pollFailures.IncTo(poller.ScanFailures);
        }

        foreach (var (model, version) in _exported)
        {
            if (!exported.Contains((model, version)))
            {
                RemoveVersionSeries(model, version);
            }
        }

        _exported = exported;
    }

    private void Export(ModelVersion model, string name, string version)
    {
        var statistics = model.Statistics;
        _success.WithLabels(name, version).IncTo(statistics.Success.Count);
        foreach (var reason in FailureReasons.All)
        {
            _failure.WithLabels(name, version, reason.ToLabel()).IncTo(statistics.Failures(reason));
        }

        _inferenceCount.WithLabels(name, version).IncTo(statistics.InferenceCount);
        _executionCount.WithLabels(name, version).IncTo(statistics.ExecutionCount);
        _requestDurationUs.WithLabels(name, version).IncTo(statistics.Success.Nanoseconds / 1000.0);
        _queueDurationUs.WithLabels(name, version).IncTo(statistics.Queue.Nanoseconds / 1000.0);
        _computeInputUs.WithLabels(name, version).IncTo(statistics.ComputeInput.Nanoseconds / 1000.0);
        _computeInferUs.WithLabels(name, version).IncTo(statistics.ComputeInfer.Nanoseconds / 1000.0);
        _computeOutputUs.WithLabels(name, version).IncTo(statistics.ComputeOutput.Nanoseconds / 1000.0);
        _pending.WithLabels(name, version).Set(model.PendingRequestCount);

        // As Triton: the cache series exist only for a model whose config enables the cache.
        if (model.WantsResponseCache)
        {
            _cacheHits.WithLabels(name, version).IncTo(statistics.CacheHit.Count);
            _cacheMisses.WithLabels(name, version).IncTo(statistics.CacheMiss.Count);
            _cacheHitUs.WithLabels(name, version).IncTo(statistics.CacheHit.Nanoseconds / 1000.0);
            _cacheMissUs.WithLabels(name, version).IncTo(statistics.CacheMiss.Nanoseconds / 1000.0);
        }
        if (statistics.Latency is { } latency)
        {
            ExportLatency(latency, name, version);
        }

        if (model.Profile is { } profile)
        {
            ExportDrift(DriftReport.Build(profile), name, version);
        }
    }

    // Shadow and rollback series live as long as the policy that mirrors or guards: cleared and rewritten each scrape.
    private void ExportShadows(LoadedModels models)
    {
        foreach (var labels in _shadowDivergence.GetAllLabelValues().ToArray())
        {
            _shadowDivergence.RemoveLabelled(labels);
        }

        foreach (var labels in _canaryRolledBack.GetAllLabelValues().ToArray())
        {
            _canaryRolledBack.RemoveLabelled(labels);
        }

        foreach (var entry in models.Catalog.Table.Models.Values)
        {
            if (entry.Traffic is { Policy.Rollback: not null } traffic)
            {
                _canaryRolledBack.WithLabels(entry.Name).Set(traffic.TrippedReason is null ? 0 : 1);
            }

            foreach (var shadow in entry.Traffic?.Shadows ?? [])
            {
                var version = shadow.Target.Version.ToString(CultureInfo.InvariantCulture);
                _shadowRequests.WithLabels(entry.Name, version, "mirrored").IncTo(shadow.Mirrored);
                _shadowRequests.WithLabels(entry.Name, version, "dropped").IncTo(shadow.Dropped);
                _shadowRequests.WithLabels(entry.Name, version, "completed").IncTo(shadow.Completed);
                _shadowRequests.WithLabels(entry.Name, version, "failed").IncTo(shadow.Failed);
                foreach (var (output, divergence) in shadow.Divergence)
                {
                    var snapshot = divergence.Snapshot();
                    _shadowDivergence.WithLabels(entry.Name, version, output, "max_abs_diff").Set(snapshot.MaxAbsDiff);
                    _shadowDivergence.WithLabels(entry.Name, version, output, "mean_abs_diff").Set(snapshot.MeanAbsDiff);
                    if (snapshot.ArgmaxAgreement is { } agreement)
                    {
                        _shadowDivergence.WithLabels(entry.Name, version, output, "argmax_agreement").Set(agreement);
                    }
                }
            }
        }
    }

    private void ExportLatency(LatencySketches latency, string name, string version)
    {
        foreach (var stage in LatencyLabels.Stages)
        {
            foreach (var window in LatencyLabels.Windows)
            {
                var sketch = latency.Read(stage, window);
                foreach (var quantile in LatencyLabels.Quantiles)
                {
                    var value = sketch.Quantile(quantile);
                    var child = _latency.WithLabels(name, version, stage.ToLabel(), window.ToLabel(), quantile.ToString(CultureInfo.InvariantCulture));
                    child.Set(double.IsFinite(value) ? value / 1e6 : double.NaN);
                }
            }
        }
    }

    private void ExportDrift(DriftReport report, string name, string version)
    {
        foreach (var tensor in report.Tensors)
        {
            foreach (var feature in tensor.Features)
            {
                ExportScore(feature.Lifetime, feature.LifetimeLevel, name, version, tensor, feature.Name, "lifetime");
                ExportScore(feature.Window, feature.WindowLevel, name, version, tensor, feature.Name, "window");
            }
        }

        foreach (var (window, summary) in new[] { ("lifetime", report.Lifetime), ("window", report.Window) })
        {
            _featureShare.WithLabels(name, version, window, "warning").Set(summary.WarningShare);
            _featureShare.WithLabels(name, version, window, "drift").Set(summary.DriftShare);
        }
    }

    private void ExportScore(DriftScore? score, DriftLevel level, string name, string version, TensorDrift tensor, string feature, string window)
    {
        if (score is not { } value)
        {
            return;
        }

        // A statistic the feature has no value for (NaN: the categorical ones of a numeric feature, the distribution
        // ones of a text feature) has no series, rather than one more series per feature that always reads NaN.
        foreach (var statistic in DriftStatistics.All)
        {
            var gauge = _driftStatistics[statistic.Ordinal];
            if (double.IsNaN(value[statistic]))
            {
                gauge.RemoveLabelled(name, version, tensor.Kind, tensor.Name, feature, window);
            }
            else
            {
                gauge.WithLabels(name, version, tensor.Kind, tensor.Name, feature, window).Set(value[statistic]);
            }
        }

        _driftLevel.WithLabels(name, version, tensor.Kind, tensor.Name, feature, window).Set((int)level);
    }

    // Every series of a version that is gone, whatever its other labels.
    private void RemoveVersionSeries(string model, string version)
    {
        foreach (var counter in new[] { _success, _failure, _inferenceCount, _executionCount, _requestDurationUs, _queueDurationUs, _computeInputUs, _computeInferUs, _computeOutputUs, _cacheHits, _cacheMisses, _cacheHitUs, _cacheMissUs })
        {
            RemoveSeries(counter, model, version);
        }

        foreach (var gauge in new[] { _pending, _ready, _latency, _driftLevel, _featureShare }.Concat(_driftStatistics))
        {
            RemoveSeries(gauge, model, version);
        }
    }

    private static void RemoveSeries<TChild>(Collector<TChild> collector, string model, string version)
        where TChild : ChildBase
    {
        foreach (var labels in collector.GetAllLabelValues().Where(l => l.Length >= 2 && l[0] == model && l[1] == version).ToArray())
        {
            collector.RemoveLabelled(labels);
        }
    }
}
