using System.Globalization;
using System.Text.Json;
using InferenceServer.LoadTool.Options;
using InferenceServer.LoadTool.Thresholds;

namespace InferenceServer.LoadTool.Scenarios;

/// <summary>
/// Reads a scenario file and resolves every step's options: the step's own fields, else its scenario's, else the
/// command line's. A syntax or type error names the file, line and JSON path (<c>run.json:7: $.scenarios[0].steps[1].rate: ...</c>);
/// a value that cannot be run names the file and the JSON path of the field.
/// </summary>
internal static class ScenarioParser
{
    public static IReadOnlyList<Scenario> ReadFile(string path, LoadOptions defaults)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ScenarioException($"{path}: {e.Message}");
        }

        return Parse(bytes, Path.GetFileName(path), defaults);
    }

    public static IReadOnlyList<Scenario> Parse(ReadOnlySpan<byte> json, string fileName, LoadOptions defaults)
    {
        ScenarioFileModel? file;
        try
        {
            file = JsonSerializer.Deserialize(json, ScenarioJsonContext.Default.ScenarioFileModel);
        }
        catch (JsonException e)
        {
            // The serializer's message ends with its own "Path: ... | LineNumber: ..." suffix; the location is said up front instead.
            var message = Readable(e.Message);
            var line = e.LineNumber is { } l ? (l + 1).ToString(CultureInfo.InvariantCulture) : "?";
            throw new ScenarioException($"{fileName}:{line}: {e.Path ?? "$"}: {message}");
        }

        if (file?.Scenarios is not { Count: > 0 } scenarios)
        {
            throw new ScenarioException($"{fileName}: $.scenarios: at least one scenario is needed");
        }

        var resolved = new List<Scenario>();
        for (var s = 0; s < scenarios.Count; s++)
        {
            resolved.Add(Resolve(scenarios[s], $"$.scenarios[{s}]", s, fileName, defaults));
        }

        var duplicate = resolved.GroupBy(r => r.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ScenarioException($"{fileName}: $.scenarios: two scenarios are named '{duplicate.Key}'");
        }

        return resolved;
    }

    /// <summary>The serializer's message without its location suffix, and without .NET type names where it has them.</summary>
    private static string Readable(string message)
    {
        var suffix = message.IndexOf(" Path: ", StringComparison.Ordinal);
        message = suffix > 0 ? message[..suffix] : message;
        if (message.StartsWith("The JSON property '", StringComparison.Ordinal) && message.Contains("could not be mapped", StringComparison.Ordinal))
        {
            return "unknown field " + message["The JSON property ".Length..message.IndexOf('\'', "The JSON property '".Length)] + "'";
        }

        if (message.StartsWith("The JSON value could not be converted to ", StringComparison.Ordinal))
        {
            var type = message["The JSON value could not be converted to ".Length..];
            return "expected " + type switch
            {
                _ when type.Contains("Double", StringComparison.Ordinal) => "a number",
                _ when type.Contains("Int", StringComparison.Ordinal) => "a whole number",
                _ when type.Contains("List", StringComparison.Ordinal) || type.Contains("[]", StringComparison.Ordinal) => "an array",
                _ when type.Contains("String", StringComparison.Ordinal) => "a string",
                _ => "an object",
            };
        }

        return message;
    }

    private static Scenario Resolve(ScenarioModel model, string path, int index, string fileName, LoadOptions defaults)
    {
        ScenarioException Fail(string at, string message) => new($"{fileName}: {at}: {message}");

        if (model.Steps is not { Count: > 0 } steps)
        {
            throw Fail($"{path}.steps", "a scenario needs at least one step");
        }

        var name = model.Name ?? $"scenario {index + 1}";
        var baseOptions = defaults with
        {
            BatchSize = Positive(model.BatchSize, defaults.BatchSize, $"{path}.batch_size", Fail),
            Seed = model.Seed ?? defaults.Seed,
            MaxInFlight = Positive(model.MaxInFlight, defaults.MaxInFlight, $"{path}.max_in_flight", Fail),
            MeasurementInterval = model.MeasurementIntervalMs is { } ms
                ? ms > 0 ? TimeSpan.FromMilliseconds(ms) : throw Fail($"{path}.measurement_interval_ms", "must be > 0")
                : defaults.MeasurementInterval,
            RequestTimeout = model.RequestTimeoutSecs is { } t
                ? t > 0 ? TimeSpan.FromSeconds(t) : throw Fail($"{path}.request_timeout_secs", "must be > 0")
                : defaults.RequestTimeout,
            Shapes = model.Shapes ?? defaults.Shapes,
            Thresholds = [],
            ConcurrencyRange = null,
            RequestRateRange = null,
        };
        baseOptions = Target(baseOptions, model, path, Fail);
        var scenarioThresholds = Parse(model.Thresholds, $"{path}.thresholds", Fail);

        var resolvedSteps = new List<ScenarioStep>();
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            var at = $"{path}.steps[{i}]";
            var options = Target(baseOptions, step, at, Fail);
            if (options.Model.Length == 0)
            {
                throw Fail($"{at}.model", "no model: set it on the step, its scenario, or with -m");
            }

            var loads = (step.Concurrency is null ? 0 : 1) + (step.Rate is null ? 0 : 1) + (step.Ramp is null ? 0 : 1);
            if (loads != 1)
            {
                throw Fail(at, "a step needs exactly one of concurrency, rate or ramp");
            }

            var level = (step.Concurrency, step.Rate, step.Ramp) switch
            {
                ({ } c, _, _) => c > 0 ? LoadLevel.Concurrency(c) : throw Fail($"{at}.concurrency", "must be > 0"),
                (_, { } r, _) => r > 0 && double.IsFinite(r) ? LoadLevel.Rate(r) : throw Fail($"{at}.rate", "must be > 0"),
                (_, _, { } ramp) => LoadLevel.Ramp(
                    ramp.From is { } f && f >= 0 ? f : throw Fail($"{at}.ramp.from", "needs a rate >= 0"),
                    ramp.To is { } to && to > 0 ? to : throw Fail($"{at}.ramp.to", "needs a rate > 0")),
                _ => throw Fail(at, "a step needs exactly one of concurrency, rate or ramp"),
            };
            if (level.RampToRate is not null && level.RequestRate == 0)
            {
                // The open loop needs a rate to space the first send by; a ramp from zero starts at a trickle.
                level = LoadLevel.Ramp(Math.Min(1, level.RampToRate.Value), level.RampToRate.Value);
            }

            if (step.DurationSecs is not { } duration || !(duration > 0) || !double.IsFinite(duration))
            {
                throw Fail($"{at}.duration_secs", "every step needs a duration in seconds > 0");
            }

            var distribution = step.Distribution?.ToLowerInvariant() switch
            {
                null => defaults.Distribution,
                "constant" => RequestDistribution.Constant,
                "poisson" => RequestDistribution.Poisson,
                var other => throw Fail($"{at}.distribution", $"'{other}' is not constant or poisson"),
            };
            if (step.Distribution is not null && step.Concurrency is not null)
            {
                throw Fail($"{at}.distribution", "a closed-loop (concurrency) step has no send distribution");
            }

            options = options with { Duration = TimeSpan.FromSeconds(duration), Distribution = distribution };
            resolvedSteps.Add(new ScenarioStep(step.Name ?? $"step {i + 1}", options, level, Parse(step.Thresholds, $"{at}.thresholds", Fail)));
        }

        return new Scenario(name, [.. defaults.Thresholds, .. scenarioThresholds], resolvedSteps);
    }

    private static LoadOptions Target(LoadOptions options, TargetModel target, string path, Func<string, string, ScenarioException> fail) => options with
    {
        Model = target.Model ?? options.Model,
        ModelVersion = target.Version ?? options.ModelVersion,
        Url = target.Url ?? options.Url,
        Protocol = target.Protocol?.ToLowerInvariant() switch
        {
            null => options.Protocol,
            "http" => Protocol.Http,
            "grpc" => Protocol.Grpc,
            var other => throw fail($"{path}.protocol", $"'{other}' is not http or grpc"),
        },
        Encoding = target.Tensors?.ToLowerInvariant() switch
        {
            null => options.Encoding,
            "binary" => TensorEncoding.Binary,
            "json" => TensorEncoding.Json,
            var other => throw fail($"{path}.tensors", $"'{other}' is not binary or json"),
        },
        InputData = target.InputData switch
        {
            null => options.InputData,
            "random" => InputDataKind.Random,
            "zero" => InputDataKind.Zero,
            _ => InputDataKind.File,
        },
        InputDataFile = target.InputData is null or "random" or "zero" ? options.InputDataFile : target.InputData,
    };

    private static List<Threshold> Parse(List<string>? texts, string path, Func<string, string, ScenarioException> fail)
    {
        var thresholds = new List<Threshold>();
        for (var i = 0; i < (texts?.Count ?? 0); i++)
        {
            thresholds.Add(Threshold.TryParse(texts![i], out var threshold, out var error) ? threshold! : throw fail($"{path}[{i}]", error));
        }

        return thresholds;
    }

    private static int Positive(int? value, int fallback, string path, Func<string, string, ScenarioException> fail) =>
        value is null ? fallback : value > 0 ? value.Value : throw fail(path, "must be > 0");
}
