using System.Diagnostics;
using InferenceServer.Core.Scheduling;

namespace InferenceServer.Core.Tracing;

/// <summary>
/// One model execution that served at least one traced request: its start and stage durations (the ones the statistics
/// record), and the traced requests it served. Made by the scheduler only when a request of the batch carries a trace.
/// In OpenTelemetry mode its span is written once, by the last of those requests to finish, linked to each of them.
/// </summary>
internal sealed class BatchTrace
{
    private readonly Lock _gate = new();
    private readonly List<ActivityContext> _served = [];
    private int _expected;

    public BatchTrace(long start, in ExecutionTimings timings, int requests, long rows)
    {
        var ticksPerNanosecond = Stopwatch.Frequency / 1_000_000_000.0;
        Start = start;
        InputEnd = start + (long)(timings.InputNanoseconds * ticksPerNanosecond);
        OutputStart = InputEnd + (long)(timings.InferNanoseconds * ticksPerNanosecond);
        End = OutputStart + (long)(timings.OutputNanoseconds * ticksPerNanosecond);
        Requests = requests;
        Rows = rows;
    }

    public long Start { get; }

    public long InputEnd { get; }

    public long OutputStart { get; }

    public long End { get; }

    /// <summary>Requests in the batch, traced or not.</summary>
    public int Requests { get; }

    /// <summary>Rows in the batch (its batch size).</summary>
    public long Rows { get; }

    /// <summary>Counts a traced request of the batch (by the scheduler, before any request of the batch completes).</summary>
    public void Expect() => _expected++;

    /// <summary>Records a traced request's span; returns every span served once the last has reported, else null.</summary>
    public List<ActivityContext>? Served(ActivityContext span)
    {
        lock (_gate)
        {
            _served.Add(span);
            return _served.Count == _expected ? _served : null;
        }
    }
}
