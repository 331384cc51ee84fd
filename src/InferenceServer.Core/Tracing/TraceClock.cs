using System.Diagnostics;

namespace InferenceServer.Core.Tracing;

/// <summary>
/// Turns the Stopwatch timestamps stages are stamped with into wall-clock times for spans (OpenTelemetry timestamps are
/// UTC; Triton's trace file keeps the steady clock). One reading of both clocks, taken once, anchors the conversion.
/// </summary>
internal sealed class TraceClock
{
    private readonly DateTime _anchorUtc = DateTime.UtcNow;
    private readonly long _anchorTimestamp = Stopwatch.GetTimestamp();

    public DateTime ToUtc(long timestamp) => _anchorUtc.AddTicks((long)((timestamp - _anchorTimestamp) * (TimeSpan.TicksPerSecond / (double)Stopwatch.Frequency)));
}
