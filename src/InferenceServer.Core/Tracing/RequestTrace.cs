using System.Diagnostics;

namespace InferenceServer.Core.Tracing;

/// <summary>
/// One traced request's stage timestamps (Stopwatch ticks), filled in by the pipeline and the scheduler as the request
/// passes, and handed to the mode's writer once the request's after-steps run. Only sampled requests have one, so an
/// untraced request pays a null check where a stamp would go. The queue's entry time is the scheduler's own
/// (<see cref="Inference.InferenceRequest.QueuedTimestamp"/>) and the compute stamps come from the same start and
/// stage durations the statistics record, so a trace and the statistics agree.
/// </summary>
public sealed class RequestTrace
{
    internal RequestTrace(long id, TraceSettings settings, string model, long version, TraceProtocol protocol, long received, long started)
    {
        Id = id;
        Settings = settings;
        Model = model;
        Version = version;
        Protocol = protocol;
        Received = received;
        Started = started;
    }

    /// <summary>The trace's number in the server (Triton's <c>id</c>), from 1.</summary>
    public long Id { get; }

    /// <summary>The settings of the scope that sampled it (level, file, log frequency).</summary>
    public TraceSettings Settings { get; }

    public string Model { get; }

    public long Version { get; }

    public TraceProtocol Protocol { get; }

    /// <summary>How the version was chosen (<see cref="TraceRouting"/>); a span attribute.</summary>
    public string Routing { get; internal set; } = TraceRouting.Latest;

    /// <summary>How many shadow versions the request was mirrored to (set by the after-steps before the trace is written).</summary>
    public int ShadowsMirrored { get; internal set; }

    /// <summary>When the front end received the request (its receive stage starts here).</summary>
    public long Received { get; }

    /// <summary>When the pipeline took the request (the receive stage ends, the request handler starts).</summary>
    public long Started { get; }

    /// <summary>The execution that served the request; null when it never ran.</summary>
    internal BatchTrace? Batch { get; private set; }

    /// <summary>When the model instance started the batch with this request; 0 when it never ran.</summary>
    public long ComputeStart => Batch?.Start ?? 0;

    /// <summary>When the batch's inputs were ready.</summary>
    public long ComputeInputEnd => Batch?.InputEnd ?? 0;

    /// <summary>When the model had run and outputs started to be produced.</summary>
    public long ComputeOutputStart => Batch?.OutputStart ?? 0;

    /// <summary>When the outputs were produced.</summary>
    public long ComputeEnd => Batch?.End ?? 0;

    /// <summary>The caller's trace context (W3C traceparent/tracestate), for OpenTelemetry mode; default when none.</summary>
    public ActivityContext Parent { get; init; }

    /// <summary>When the pipeline had the answer (the request handler ends, the front end starts sending).</summary>
    public long Answering { get; internal set; }

    /// <summary>When the front end had written (HTTP) or built (gRPC) the answer.</summary>
    public long Answered { get; internal set; }

    /// <summary>Records the execution that served the request (the scheduler, before the request completes).</summary>
    internal void OnExecuted(BatchTrace batch)
    {
        Batch = batch;
        batch.Expect();
    }
}
