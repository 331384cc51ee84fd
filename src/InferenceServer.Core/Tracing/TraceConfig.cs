using System.Globalization;

namespace InferenceServer.Core.Tracing;

/// <summary>
/// <c>--trace-config</c> as tritonserver spells it: <c>&lt;setting&gt;=&lt;value&gt;</c> for the server's settings
/// (<c>level</c>, repeatable; <c>rate</c>; <c>count</c>; <c>mode</c>), <c>triton,&lt;setting&gt;=&lt;value&gt;</c> for the
/// file (<c>file</c>, <c>log-frequency</c>), <c>opentelemetry,&lt;setting&gt;=&lt;value&gt;</c> for the exporter (<c>url</c>,
/// <c>resource</c>, <c>bsp_max_queue_size</c>, <c>bsp_schedule_delay</c>, <c>bsp_max_export_batch_size</c>, and this
/// server's <c>protocol</c>: <c>http/protobuf</c> or <c>grpc</c>). Each error names the flag and the setting.
/// </summary>
public static class TraceConfig
{
    public const string Flag = "trace-config";

    /// <summary>Checks one flag value on its own.</summary>
    public static string? CheckEntry(string entry) =>
        Apply(entry, TraceSettings.Default, OpenTelemetryTraceOptions.Default, levelSeen: false, out _, out _);

    /// <summary>The settings all the flag's values give, in order; the error names the bad one.</summary>
    public static string? TryBuild(IEnumerable<string> entries, out TraceSettings settings, out OpenTelemetryTraceOptions openTelemetry)
    {
        settings = TraceSettings.Default;
        openTelemetry = OpenTelemetryTraceOptions.Default;
        var levelSeen = false;
        foreach (var entry in entries)
        {
            if (Apply(entry, settings, openTelemetry, levelSeen, out settings, out openTelemetry) is { } error)
            {
                return error;
            }

            levelSeen |= entry.StartsWith("level=", StringComparison.Ordinal);
        }

        if (openTelemetry.MaxExportBatchSize > openTelemetry.MaxQueueSize)
        {
            return $"--{Flag}: opentelemetry,bsp_max_export_batch_size ({openTelemetry.MaxExportBatchSize}) must not exceed bsp_max_queue_size ({openTelemetry.MaxQueueSize})";
        }

        return TraceSettingsEditor.Check(settings) is { } invalid ? $"--{Flag}: {invalid}" : null;
    }

    private static string? Apply(string entry, TraceSettings settings, OpenTelemetryTraceOptions otel, bool levelSeen,
        out TraceSettings nextSettings, out OpenTelemetryTraceOptions nextOtel)
    {
        nextSettings = settings;
        nextOtel = otel;
        var comma = entry.IndexOf(',');
        var equals = entry.IndexOf('=');
        var scope = comma >= 0 && (equals < 0 || comma < equals) ? entry[..comma] : "";
        var setting = scope.Length > 0 ? entry[(comma + 1)..] : entry;
        equals = setting.IndexOf('=');
        if (equals <= 0)
        {
            return $"--{Flag} takes [triton,|opentelemetry,]<setting>=<value>, got '{entry}'";
        }

        var name = setting[..equals];
        var value = setting[(equals + 1)..];
        string? error;
        switch (scope, name)
        {
            case ("", "level"):
                error = TraceSettingValues.TryParseLevel([value], out var level);
                nextSettings = settings with { Level = levelSeen && level != TraceLevel.Off ? settings.Level | level : level };
                break;
            case ("", "rate"):
                error = TraceSettingValues.TryParseNumber("rate", [value], 0, uint.MaxValue, out var rate);
                nextSettings = settings with { Rate = rate };
                break;
            case ("", "count"):
                error = TraceSettingValues.TryParseNumber("count", [value], -1, int.MaxValue, out var count);
                nextSettings = settings with { Count = count };
                break;
            case ("", "mode"):
                var mode = TraceMode.Triton;
                error = TraceSettingValues.TryParseMode("mode", value, out mode);
                nextSettings = settings with { Mode = mode };
                break;
            case ("triton" or "", "file"):
                error = value.Length == 0 ? "file: give a path" : null;
                nextSettings = settings with { File = value.Length == 0 ? "" : Path.GetFullPath(value) };
                break;
            case ("triton" or "", "log-frequency" or "log_frequency"):
                error = TraceSettingValues.TryParseNumber("log-frequency", [value], 0, int.MaxValue, out var frequency);
                nextSettings = settings with { LogFrequency = frequency };
                break;
            case ("opentelemetry", "url"):
                error = Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? null : $"url: '{value}' is not an http(s) URL";
                nextOtel = otel with { Url = value };
                break;
            case ("opentelemetry", "protocol"):
                error = value is OpenTelemetryTraceOptions.HttpProtobuf or OpenTelemetryTraceOptions.Grpc ? null
                    : $"protocol: '{value}' is not an OTLP protocol ({OpenTelemetryTraceOptions.HttpProtobuf}, {OpenTelemetryTraceOptions.Grpc})";
                nextOtel = otel with { Protocol = value };
                break;
            case ("opentelemetry", "resource"):
                var pair = value.IndexOf('=');
                error = pair <= 0 ? $"resource: takes <key>=<value>, got '{value}'" : null;
                nextOtel = pair <= 0 ? otel : otel with { Resource = [.. otel.Resource, KeyValuePair.Create(value[..pair], value[(pair + 1)..])] };
                break;
            case ("opentelemetry", "bsp_max_queue_size"):
                error = TryPositive(name, value, out var queue);
                nextOtel = otel with { MaxQueueSize = queue };
                break;
            case ("opentelemetry", "bsp_schedule_delay"):
                error = TryPositive(name, value, out var delay);
                nextOtel = otel with { ScheduleDelayMilliseconds = delay };
                break;
            case ("opentelemetry", "bsp_max_export_batch_size"):
                error = TryPositive(name, value, out var batch);
                nextOtel = otel with { MaxExportBatchSize = batch };
                break;
            default:
                error = scope is "" or "triton" or "opentelemetry"
                    ? $"'{name}' is not a{(scope.Length > 0 ? " " + scope : "")} trace setting (level, rate, count, mode; triton,file / triton,log-frequency; opentelemetry,url / resource / protocol / bsp_max_queue_size / bsp_schedule_delay / bsp_max_export_batch_size)"
                    : $"'{scope}' is not a trace mode (triton, opentelemetry)";
                break;
        }

        return error is null ? null : $"--{Flag}: {error}";
    }

    private static string? TryPositive(string name, string value, out int number) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out number) && number > 0 ? null : $"{name}: must be a positive integer, got '{value}'";
}
