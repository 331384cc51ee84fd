namespace InferenceServer.Core.Inference.Pipeline;

/// <summary>
/// What a request says before its tensors: the model, the version ("" = let the traffic policy choose), the sticky-routing
/// key its protocol carries outside the message (an HTTP header; null when none), and when it arrived. Read by the codec
/// first, so the version is chosen and held once, before anything is bound.
/// </summary>
/// <param name="ReceivedTimestamp">Stopwatch timestamp of arrival (the statistics' request duration starts here).</param>
public readonly record struct RequestHead(ReadOnlyMemory<char> Model, ReadOnlyMemory<char> Version, string? RoutingKey, long ReceivedTimestamp)
{
    /// <summary>The front end the request came through (names a trace's receive and send timestamps).</summary>
    public Tracing.TraceProtocol Protocol { get; init; }

    /// <summary>The caller's W3C <c>traceparent</c> (HTTP header, gRPC metadata), read only while OpenTelemetry tracing is on.</summary>
    public string? TraceParent { get; init; }

    /// <summary>The caller's W3C <c>tracestate</c>, with <see cref="TraceParent"/>.</summary>
    public string? TraceState { get; init; }
}
