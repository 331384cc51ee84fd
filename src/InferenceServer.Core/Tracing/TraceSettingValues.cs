using System.Globalization;

namespace InferenceServer.Core.Tracing;

/// <summary>How each setting's value is written and read as text (both protocols carry text; the flags do too).</summary>
public static class TraceSettingValues
{
    public static string ModeName(TraceMode mode) => mode == TraceMode.OpenTelemetry ? "opentelemetry" : "triton";

    /// <summary>The level as Triton lists it: <c>["OFF"]</c>, or each level that is on.</summary>
    public static IReadOnlyList<string> LevelNames(TraceLevel level) => level switch
    {
        TraceLevel.Off => ["OFF"],
        TraceLevel.Timestamps => ["TIMESTAMPS"],
        TraceLevel.Tensors => ["TENSORS"],
        _ => ["TIMESTAMPS", "TENSORS"],
    };

    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Levels named in <paramref name="values"/> (each once or more; OFF alone turns tracing off).</summary>
    public static string? TryParseLevel(IReadOnlyList<string> values, out TraceLevel level)
    {
        level = TraceLevel.Off;
        if (values.Count == 0)
        {
            return $"{TraceSettingNames.Level}: name OFF, TIMESTAMPS or TENSORS";
        }

        var off = false;
        foreach (var value in values)
        {
            switch (value.ToUpperInvariant())
            {
                case "OFF": off = true; break;
                case "TIMESTAMPS": level |= TraceLevel.Timestamps; break;
                case "TENSORS": level |= TraceLevel.Tensors; break;
                default: return $"{TraceSettingNames.Level}: '{Models.ModelNames.Printable(value)}' is not a level (OFF, TIMESTAMPS, TENSORS)";
            }
        }

        return off && level != TraceLevel.Off ? $"{TraceSettingNames.Level}: OFF cannot be combined with other levels" : null;
    }

    /// <summary>One integer in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static string? TryParseNumber(string name, IReadOnlyList<string> values, long min, long max, out long number)
    {
        number = 0;
        if (values.Count != 1 || !long.TryParse(values[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out number) || number < min || number > max)
        {
            var given = values.Count == 1 ? $"'{Models.ModelNames.Printable(values[0])}'" : $"{values.Count} values";
            return $"{name}: must be one integer in [{min}, {max}], got {given}";
        }

        return null;
    }

    /// <summary>One text value.</summary>
    public static string? TryParseText(string name, IReadOnlyList<string> values, out string text)
    {
        text = values.Count == 1 ? values[0] : "";
        return values.Count == 1 ? null : $"{name}: must be one string, got {values.Count} values";
    }

    /// <summary>triton or opentelemetry.</summary>
    public static string? TryParseMode(string name, string value, out TraceMode mode)
    {
        mode = TraceMode.Triton;
        switch (value.ToLowerInvariant())
        {
            case "triton": return null;
            case "opentelemetry": mode = TraceMode.OpenTelemetry; return null;
            default: return $"{name}: '{Models.ModelNames.Printable(value)}' is not a trace mode (triton, opentelemetry)";
        }
    }
}
