namespace InferenceServer.Core.Tracing;

/// <summary>What a trace collects (Triton's <c>trace_level</c>, which may name several).</summary>
[Flags]
public enum TraceLevel
{
    /// <summary>Nothing is traced.</summary>
    Off = 0,

    /// <summary>The request's stage timestamps.</summary>
    Timestamps = 1,

    /// <summary>The request's input and output tensors (Triton mode only).</summary>
    Tensors = 2,
}
