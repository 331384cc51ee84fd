using System.Globalization;
using InferenceServer.LoadTool.Thresholds;

namespace InferenceServer.LoadTool.Options;

/// <summary>
/// Reads the command line. Flags take their value as the next argument or after <c>=</c>
/// (<c>--concurrency-range 1:8:2</c>, <c>--concurrency-range=1:8:2</c>).
/// </summary>
public static class OptionsParser
{
    public const string Usage = """
        inference-load: a load generator for KServe v2 / Triton inference servers (perf_analyzer's flags where it has them)

          -m MODEL                         model to load (required)
          -x VERSION                       model version (default: the server's choice)
          -u URL                           host:port or http://host:port (default localhost:8000, gRPC localhost:8001)
          -i, --protocol http|grpc         protocol (default http)
              --binary | --json-tensors    HTTP tensors as the binary extension (default) or JSON values
              --concurrency-range S:E:T    closed loop: S, S+T, ... E requests outstanding (default 1)
              --request-rate-range S:E:T   open loop: S, S+T, ... E requests per second; latency counts from
                                           the time each request was due, so server stalls show as latency
              --request-distribution constant|poisson   open-loop send spacing (default constant)
              --max-threads N              open loop: most requests in flight (default 64)
              --input-data random|zero|FILE             input values (default random; FILE is perf_analyzer's JSON)
              --shape NAME:D1,D2           dims of an input's dynamic dimensions, without the batch dim (repeatable)
          -b N                             batch size, rows per request (default 1)
              --string-length N            characters per random BYTES element (default 128)
              --seed N                     random seed (default 1)
          -p, --measurement-interval MS    measurement window (default 5000)
          -s PERCENT                       stability: last 3 windows within this spread (default 10)
              --max-trials N               windows per step before reporting it unstable (default 10)
              --duration-secs S            fixed-length steps, no stability check
              --percentile P               latency percentile for stability and the summary (default: mean)
              --request-timeout-secs S     one request's deadline (default 30)
          -f FILE                          write the report as CSV
              --json-file FILE             write the report as JSON
              --html-file FILE             write a self-contained HTML report (charts, no external files)
              --threshold EXPR             fail the run (exit code 99) unless EXPR holds, e.g. 'p99 < 20ms',
                                           'error_rate < 0.01', 'throughput > 500' (repeatable; per step, or
                                           per scenario with --scenario)
              --scenario FILE              run the scenarios of a JSON scenario file side by side (no -m needed)
              --replay FILE                send a server's capture file (--capture-model) again, each request
                                           once at its recorded pace (-m: another model than the capture's)
              --replay-speed X             replay X times faster than recorded (default 1)
          -h, --help                       this text
        """;

    /// <summary>Parses <paramref name="args"/>; on failure <paramref name="error"/> says why (empty with null options: help asked).</summary>
    public static bool TryParse(IReadOnlyList<string> args, out LoadOptions? options, out string error)
    {
        options = null;
        error = "";
        string model = "", version = "", url = "";
        var protocol = Protocol.Http;
        var encoding = TensorEncoding.Binary;
        LoadRange? concurrency = null, rate = null;
        var distribution = RequestDistribution.Constant;
        var inputData = InputDataKind.Random;
        string? dataFile = null, csv = null, json = null, html = null, scenario = null, replay = null;
        double replaySpeed = 1;
        var thresholds = new List<Threshold>();
        var shapes = new Dictionary<string, long[]>(StringComparer.Ordinal);
        int batch = 1, stringLength = 128, seed = 1, maxTrials = 10, maxInFlight = 64;
        double intervalMs = 5000, stability = 10;
        double? durationSecs = null, percentile = null;
        double timeoutSecs = 30;

        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string? inline = null;
            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.IndexOf('=', StringComparison.Ordinal) is var eq and > 0)
            {
                inline = arg[(eq + 1)..];
                arg = arg[..eq];
            }

            string Value()
            {
                if (inline is not null)
                {
                    return inline;
                }

                if (i + 1 >= args.Count)
                {
                    throw new OptionException($"{arg} needs a value");
                }

                return args[++i];
            }

            try
            {
                switch (arg)
                {
                    case "-h" or "--help":
                        return false;
                    case "-m" or "--model":
                        model = Value();
                        break;
                    case "-x" or "--model-version":
                        version = Value();
                        break;
                    case "-u" or "--url":
                        url = Value();
                        break;
                    case "-i" or "--protocol":
                        protocol = Value().ToLowerInvariant() switch
                        {
                            "http" => Protocol.Http,
                            "grpc" => Protocol.Grpc,
                            var other => throw new OptionException($"protocol '{other}' is not http or grpc"),
                        };
                        break;
                    case "--binary":
                        encoding = TensorEncoding.Binary;
                        break;
                    case "--json-tensors":
                        encoding = TensorEncoding.Json;
                        break;
                    case "--concurrency-range":
                        concurrency = Range(Value(), integral: true, arg);
                        break;
                    case "--request-rate-range":
                        rate = Range(Value(), integral: false, arg);
                        break;
                    case "--request-distribution":
                        distribution = Value().ToLowerInvariant() switch
                        {
                            "constant" => RequestDistribution.Constant,
                            "poisson" => RequestDistribution.Poisson,
                            var other => throw new OptionException($"distribution '{other}' is not constant or poisson"),
                        };
                        break;
                    case "--max-threads":
                        maxInFlight = Integer(Value(), arg, min: 1);
                        break;
                    case "--input-data":
                        var data = Value();
                        (inputData, dataFile) = data switch
                        {
                            "random" => (InputDataKind.Random, null),
                            "zero" => (InputDataKind.Zero, null),
                            _ => (InputDataKind.File, data),
                        };
                        break;
                    case "--shape":
                        var (name, dims) = Shape(Value());
                        shapes[name] = dims;
                        break;
                    case "-b" or "--batch-size":
                        batch = Integer(Value(), arg, min: 1);
                        break;
                    case "--string-length":
                        stringLength = Integer(Value(), arg, min: 0);
                        break;
                    case "--seed":
                        seed = Integer(Value(), arg, min: int.MinValue);
                        break;
                    case "-p" or "--measurement-interval":
                        intervalMs = Number(Value(), arg, min: 1);
                        break;
                    case "-s" or "--stability-percentage":
                        stability = Number(Value(), arg, min: 0);
                        break;
                    case "--max-trials":
                        maxTrials = Integer(Value(), arg, min: 3);
                        break;
                    case "--duration-secs":
                        durationSecs = Number(Value(), arg, min: 0.001);
                        break;
                    case "--percentile":
                        var p = Number(Value(), arg, min: 0);
                        percentile = p is > 0 and < 100 ? p : throw new OptionException("--percentile must be between 0 and 100");
                        break;
                    case "--request-timeout-secs":
                        timeoutSecs = Number(Value(), arg, min: 0.001);
                        break;
                    case "-f" or "--csv-file":
                        csv = Value();
                        break;
                    case "--json-file":
                        json = Value();
                        break;
                    case "--html-file":
                        html = Value();
                        break;
                    case "--threshold":
                        thresholds.Add(Threshold.TryParse(Value(), out var threshold, out var thresholdError) ? threshold! : throw new OptionException(thresholdError));
                        break;
                    case "--replay":
                        replay = Value();
                        break;
                    case "--replay-speed":
                        replaySpeed = Number(Value(), arg, min: 0.001);
                        break;
                    case "--scenario":
                        scenario = Value();
                        break;
                    default:
                        throw new OptionException($"unknown option '{args[i]}'");
                }
            }
            catch (OptionException e)
            {
                error = e.Message;
                return false;
            }
        }

        if (model.Length == 0 && scenario is null && replay is null)
        {
            error = "-m MODEL is required (or --scenario FILE, or --replay FILE)";
            return false;
        }

        if (scenario is not null && replay is not null)
        {
            error = "--scenario and --replay are exclusive";
            return false;
        }

        if (concurrency is not null && rate is not null)
        {
            error = "--concurrency-range and --request-rate-range are exclusive";
            return false;
        }

        options = new LoadOptions
        {
            Model = model,
            ModelVersion = version,
            Url = url,
            Protocol = protocol,
            Encoding = encoding,
            ConcurrencyRange = concurrency,
            RequestRateRange = rate,
            Distribution = distribution,
            MaxInFlight = maxInFlight,
            InputData = inputData,
            InputDataFile = dataFile,
            Shapes = shapes,
            BatchSize = batch,
            StringLength = stringLength,
            Seed = seed,
            MeasurementInterval = TimeSpan.FromMilliseconds(intervalMs),
            StabilityPercent = stability,
            MaxTrials = maxTrials,
            Duration = durationSecs is { } d ? TimeSpan.FromSeconds(d) : null,
            StabilityPercentile = percentile,
            RequestTimeout = TimeSpan.FromSeconds(timeoutSecs),
            CsvFile = csv,
            JsonFile = json,
            HtmlFile = html,
            Thresholds = thresholds,
            ReplayFile = replay,
            ReplaySpeed = replaySpeed,
            ScenarioFile = scenario,
        };
        return true;
    }

    private static LoadRange Range(string text, bool integral, string flag) =>
        LoadRange.TryParse(text, integral, out var range, out var error) ? range : throw new OptionException($"{flag}: {error}");

    private static (string Name, long[] Dims) Shape(string text)
    {
        // The name may itself hold colons (it cannot hold commas), so split at the last one.
        var colon = text.LastIndexOf(':');
        if (colon <= 0)
        {
            throw new OptionException($"--shape '{text}' is not NAME:D1,D2,...");
        }

        var dims = text[(colon + 1)..].Split(',').Select(d =>
            long.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out var dim) && dim >= 0
                ? dim
                : throw new OptionException($"--shape '{text}': '{d}' is not a dimension")).ToArray();
        return (text[..colon], dims);
    }

    private static int Integer(string text, string flag, int min) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= min
            ? value
            : throw new OptionException($"{flag} '{text}' is not a whole number >= {min}");

    private static double Number(string text, string flag, double min) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) && value >= min
            ? value
            : throw new OptionException($"{flag} '{text}' is not a number >= {min.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>A bad command line; caught in <see cref="TryParse"/> and never escapes it.</summary>
    private sealed class OptionException(string message) : Exception(message);
}
