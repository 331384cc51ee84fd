namespace InferenceServer.Core.Tracing;

/// <summary>Where traces go: Triton's JSON trace file, or OpenTelemetry spans exported over OTLP.</summary>
public enum TraceMode
{
    Triton,
    OpenTelemetry,
}
