using InferenceServer.Core.Tracing;

namespace InferenceServer.Hosting.Flags;

/// <summary>One <c>--trace-config</c> value, as tritonserver spells it (<see cref="TraceConfig"/>).</summary>
internal sealed class TraceConfigValue : IFlagValue<string>
{
    public static readonly TraceConfigValue Instance = new();

    private TraceConfigValue()
    {
    }

    public string? Accepts => "[triton,|opentelemetry,]<setting>=<value>";

    public string? Parse(string flag, string text, out string value)
    {
        value = text;
        return TraceConfig.CheckEntry(text);
    }

    public string Format(string value) => value;
}
