using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;

namespace InferenceServer.Benchmarks.Diagnostics;

/// <summary>
/// Collects the runtime's randomized allocation samples in process (.NET 10's <c>AllocationSampled</c>
/// event: on average one object per 100 KB allocated, chosen without bias toward large objects or any
/// thread) and estimates the bytes allocated per type from them, with each object's size. An estimate,
/// not a count: a type needs a few percent of the bytes to show reliably, and the listener's own event
/// objects add well under 1 %.
/// </summary>
internal sealed class AllocationSampleListener : EventListener
{
    private const string RuntimeSource = "Microsoft-Windows-DotNETRuntime";
    private const EventKeywords AllocationSamplingKeyword = (EventKeywords)0x80000000000;
    private const int AllocationSampledEventId = 303;
    private const double MeanSamplingDistance = 100 * 1024;

    private readonly ConcurrentDictionary<string, double> _bytesByType = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _sizeByType = new(StringComparer.Ordinal);
    private volatile bool _recording;

    /// <summary>Estimated bytes by type name since <see cref="Start"/>.</summary>
    public IReadOnlyDictionary<string, double> BytesByType => _bytesByType;

    /// <summary>The size of one object of each sampled type (the last one sampled, for arrays).</summary>
    public IReadOnlyDictionary<string, long> SizeByType => _sizeByType;

    public void Start()
    {
        _bytesByType.Clear();
        _sizeByType.Clear();
        _recording = true;
    }

    public void Stop() => _recording = false;

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == RuntimeSource)
        {
            EnableEvents(eventSource, EventLevel.Informational, AllocationSamplingKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (!_recording || eventData.EventId != AllocationSampledEventId || eventData.Payload is not { } payload || eventData.PayloadNames is not { } names)
        {
            return;
        }

        var typeName = payload[names.IndexOf("TypeName")] as string ?? "(unknown)";
        var size = Convert.ToInt64(payload[names.IndexOf("ObjectSize")], CultureInfo.InvariantCulture);

        // An object of `size` bytes is sampled with probability 1 - e^(-size / mean distance); weighting each
        // sample by its inverse makes the per-type sums unbiased estimates of the bytes allocated.
        var weight = size / (1 - Math.Exp(-size / MeanSamplingDistance));
        _bytesByType.AddOrUpdate(typeName, weight, (_, total) => total + weight);
        _sizeByType[typeName] = size;
    }
}
