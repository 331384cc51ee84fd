namespace InferenceServer.Core.Tracing;

/// <summary>
/// One scope's trace settings (the server's, or a model's with its overrides applied), immutable: a change builds a
/// new one. The defaults are Triton's: off, one request in 1000 once turned on, no limit on the count, written at
/// shutdown.
/// </summary>
/// <param name="Level">What is collected; <see cref="TraceLevel.Off"/> traces nothing.</param>
/// <param name="Rate">Every <c>Rate</c>-th request of the scope is traced; 0 traces none by rate (OpenTelemetry mode still
/// traces requests whose caller's context is sampled).</param>
/// <param name="Count">Traces still to collect; -1 = no limit.</param>
/// <param name="LogFrequency">Triton mode: write the file every this many traces (as <c>{file}.{n}</c>); 0 = at shutdown.</param>
/// <param name="File">Triton mode: the trace file's full path ("" = none).</param>
/// <param name="Mode">Triton's JSON file, or OpenTelemetry spans; the server's, set by flag only.</param>
public sealed record TraceSettings(TraceLevel Level, long Rate, long Count, long LogFrequency, string File, TraceMode Mode)
{
    public static readonly TraceSettings Default = new(TraceLevel.Off, 1000, -1, 0, "", TraceMode.Triton);

    /// <summary>Whether a request of this scope may be traced at all.</summary>
    public bool CanTrace => Level != TraceLevel.Off && Count != 0;
}
