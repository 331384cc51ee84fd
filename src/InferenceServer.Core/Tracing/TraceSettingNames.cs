namespace InferenceServer.Core.Tracing;

/// <summary>The trace settings' names, as Triton's trace extension spells them on both protocols.</summary>
public static class TraceSettingNames
{
    public const string Level = "trace_level";
    public const string Rate = "trace_rate";
    public const string Count = "trace_count";
    public const string LogFrequency = "log_frequency";
    public const string File = "trace_file";
    public const string Mode = "trace_mode";

    public const string All = "trace_level, trace_rate, trace_count, log_frequency, trace_file, trace_mode";
}
