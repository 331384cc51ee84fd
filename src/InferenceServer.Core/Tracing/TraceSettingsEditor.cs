namespace InferenceServer.Core.Tracing;

/// <summary>
/// Applies a change from the trace API to the server's settings or to a model's overrides, all of it or none: the
/// error names the first bad setting. The mode is the server's and set by flag only; a file is resolved by
/// <see cref="TraceFilePolicy"/>.
/// </summary>
internal static class TraceSettingsEditor
{
    // trace_rate is a uint32 in Triton; counts and frequencies are int32 there: the same ranges here.
    private const long MaxRate = uint.MaxValue;
    private const long MaxCount = int.MaxValue;

    public static string? TryApplyGlobal(TraceSettings current, IReadOnlyList<TraceSettingChange> changes, TraceFilePolicy files, out TraceSettings next)
    {
        next = current;
        var overrides = TraceSettingOverrides.None;
        foreach (var change in changes)
        {
            if (change.Values is null)
            {
                return $"{change.Name}: null clears a model's setting back to the server's; the server's own settings have nothing to fall back to";
            }

            if (TryApply(change, change.Values, overrides, current, files, out overrides) is { } error)
            {
                return error;
            }
        }

        next = overrides.Over(current);
        return Check(next);
    }

    public static string? TryApplyModel(TraceSettingOverrides current, TraceSettings global, IReadOnlyList<TraceSettingChange> changes, TraceFilePolicy files,
        out TraceSettingOverrides next)
    {
        next = current;
        var overrides = current;
        foreach (var change in changes)
        {
            if (change.Values is null)
            {
                overrides = change.Name switch
                {
                    TraceSettingNames.Level => overrides with { Level = null },
                    TraceSettingNames.Rate => overrides with { Rate = null },
                    TraceSettingNames.Count => overrides with { Count = null },
                    TraceSettingNames.LogFrequency => overrides with { LogFrequency = null },
                    TraceSettingNames.File => overrides with { File = null },
                    TraceSettingNames.Mode => overrides,
                    _ => null!,
                };
                if (overrides is null)
                {
                    return Unknown(change.Name);
                }

                continue;
            }

            if (TryApply(change, change.Values, overrides, overrides.Over(global), files, out overrides) is { } error)
            {
                return error;
            }
        }

        if (Check(overrides.Over(global)) is { } invalid)
        {
            return invalid;
        }

        next = overrides;
        return null;
    }

    private static string? TryApply(TraceSettingChange change, IReadOnlyList<string> values, TraceSettingOverrides overrides, TraceSettings effective,
        TraceFilePolicy files, out TraceSettingOverrides next)
    {
        next = overrides;
        string? error;
        switch (change.Name)
        {
            case TraceSettingNames.Level:
                error = TraceSettingValues.TryParseLevel(values, out var level);
                next = overrides with { Level = level };
                return error;
            case TraceSettingNames.Rate:
                error = TraceSettingValues.TryParseNumber(change.Name, values, 0, MaxRate, out var rate);
                next = overrides with { Rate = rate };
                return error;
            case TraceSettingNames.Count:
                error = TraceSettingValues.TryParseNumber(change.Name, values, -1, MaxCount, out var count);
                next = overrides with { Count = count };
                return error;
            case TraceSettingNames.LogFrequency:
                error = TraceSettingValues.TryParseNumber(change.Name, values, 0, MaxCount, out var frequency);
                next = overrides with { LogFrequency = frequency };
                return error;
            case TraceSettingNames.File:
                error = TraceSettingValues.TryParseText(change.Name, values, out var file) ?? files.TryResolve(file, effective.File, out file);
                next = overrides with { File = file };
                return error;
            case TraceSettingNames.Mode:
                var mode = effective.Mode;
                error = TraceSettingValues.TryParseText(change.Name, values, out var modeName)
                    ?? TraceSettingValues.TryParseMode(change.Name, modeName, out mode);
                return error ?? (mode == effective.Mode ? null
                    : $"{TraceSettingNames.Mode}: the server traces in {TraceSettingValues.ModeName(effective.Mode)} mode, chosen at start-up (--trace-config mode=…); it cannot change while it runs");
            default:
                return Unknown(change.Name);
        }
    }

    /// <summary>What a whole scope's settings must satisfy once merged.</summary>
    public static string? Check(TraceSettings settings)
    {
        if (settings.Mode == TraceMode.OpenTelemetry && (settings.Level & TraceLevel.Tensors) != 0)
        {
            return $"{TraceSettingNames.Level}: TENSORS is traced in triton mode only (OpenTelemetry spans carry timestamps)";
        }

        if (settings.Mode == TraceMode.Triton && settings.Level != TraceLevel.Off && settings.File.Length == 0)
        {
            return $"{TraceSettingNames.File}: triton mode writes traces to a file and none is set";
        }

        return null;
    }

    private static string Unknown(string name) =>
        $"'{Models.ModelNames.Printable(name)}' is not a trace setting ({TraceSettingNames.All})";
}
