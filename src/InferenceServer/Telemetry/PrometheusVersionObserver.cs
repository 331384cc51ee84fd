using InferenceServer.Core.Telemetry;
using Prometheus;

namespace InferenceServer.Telemetry;

/// <summary>
/// Feeds one model version's histograms as requests finish. The labelled children are looked up once, at load,
/// so an observation is a bucket search and two atomic adds; the series are removed when the version is disposed.
/// </summary>
internal sealed class PrometheusVersionObserver : IVersionObserver
{
    private const double SecondsPerNanosecond = 1e-9;
    private readonly ServerMetrics _metrics;
    private readonly string[] _labels;
    private readonly Histogram.Child _request;
    private readonly Histogram.Child _queue;
    private readonly Histogram.Child _compute;
    private readonly Histogram.Child _batchSize;

    public PrometheusVersionObserver(ServerMetrics metrics, string model, string version)
    {
        _metrics = metrics;
        _labels = [model, version];
        _request = metrics.RequestDuration.WithLabels(_labels);
        _queue = metrics.QueueDuration.WithLabels(_labels);
        _compute = metrics.ComputeDuration.WithLabels(_labels);
        _batchSize = metrics.BatchSize.WithLabels(_labels);
    }

    public void OnSuccess(long requestNanoseconds, long queueNanoseconds)
    {
        _request.Observe(requestNanoseconds * SecondsPerNanosecond);
        _queue.Observe(queueNanoseconds * SecondsPerNanosecond);
    }

    public void OnExecution(long rows, long computeNanoseconds)
    {
        _compute.Observe(computeNanoseconds * SecondsPerNanosecond);
        _batchSize.Observe(rows);
    }

    public void Dispose() => _metrics.RemoveVersion(_labels);
}
