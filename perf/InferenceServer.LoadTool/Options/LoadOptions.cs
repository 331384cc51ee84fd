using InferenceServer.LoadTool.Thresholds;

namespace InferenceServer.LoadTool.Options;

/// <summary>
/// One run of the tool: the model, the protocol, the load steps and how each step is measured. Flag names
/// follow perf_analyzer where it has them; <see cref="OptionsParser"/> documents each flag.
/// </summary>
public sealed record LoadOptions
{
    /// <summary>The model to load (<c>-m</c>); required.</summary>
    public string Model { get; init; } = "";

    /// <summary>The model version (<c>-x</c>); empty lets the server choose, as perf_analyzer does.</summary>
    public string ModelVersion { get; init; } = "";

    public Protocol Protocol { get; init; } = Protocol.Http;

    /// <summary>The server address (<c>-u</c>): <c>host:port</c> or a URL. Default localhost:8000 (HTTP) or localhost:8001 (gRPC).</summary>
    public string Url { get; init; } = "";

    /// <summary>HTTP tensor encoding (<c>--binary</c>, the default as in perf_analyzer, or <c>--json-tensors</c>).</summary>
    public TensorEncoding Encoding { get; init; } = TensorEncoding.Binary;

    /// <summary>Closed-loop steps: this many requests always outstanding (<c>--concurrency-range</c>). Default 1:1:1 when no rate range is given.</summary>
    public LoadRange? ConcurrencyRange { get; init; }

    /// <summary>Open-loop steps in requests per second (<c>--request-rate-range</c>); exclusive with <see cref="ConcurrencyRange"/>.</summary>
    public LoadRange? RequestRateRange { get; init; }

    public RequestDistribution Distribution { get; init; } = RequestDistribution.Constant;

    public InputDataKind InputData { get; init; } = InputDataKind.Random;

    /// <summary>The JSON data file when <see cref="InputData"/> is <see cref="InputDataKind.File"/>.</summary>
    public string? InputDataFile { get; init; }

    /// <summary>Shapes for dynamic dims, without the batch dim (<c>--shape NAME:d1,d2</c>).</summary>
    public IReadOnlyDictionary<string, long[]> Shapes { get; init; } = new Dictionary<string, long[]>(StringComparer.Ordinal);

    /// <summary>Rows per request (<c>-b</c>); only for models with max_batch_size &gt; 0. Default 1.</summary>
    public int BatchSize { get; init; } = 1;

    /// <summary>Characters in each random BYTES element (<c>--string-length</c>). Default 128, perf_analyzer's.</summary>
    public int StringLength { get; init; } = 128;

    /// <summary>Seed of the random input values and Poisson gaps (<c>--seed</c>), so runs can be repeated.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>
    /// Length of one measurement window (<c>--measurement-interval</c>, <c>-p</c>). Default 5000 ms, perf_analyzer's;
    /// long enough that a window holds thousands of requests on a fast model.
    /// </summary>
    public TimeSpan MeasurementInterval { get; init; } = TimeSpan.FromMilliseconds(5000);

    /// <summary>Allowed spread of throughput and latency over the last three windows (<c>-s</c>, percent). Default 10.</summary>
    public double StabilityPercent { get; init; } = 10;

    /// <summary>Windows per step before giving up on stability (<c>--max-trials</c>). Default 10.</summary>
    public int MaxTrials { get; init; } = 10;

    /// <summary>
    /// Fixed-length steps (<c>--duration-secs</c>): the windows that fit in this time are all reported,
    /// without a stability check. Null measures until stable.
    /// </summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>The latency percentile that stability and the summary use (<c>--percentile</c>); null uses the mean, as perf_analyzer does.</summary>
    public double? StabilityPercentile { get; init; }

    /// <summary>
    /// Open loop: most requests in flight at once (<c>--max-threads</c>). Requests are asynchronous, so this
    /// caps outstanding requests, not threads; a request that waits for a free slot is sent late, and its
    /// latency still counts from the time it was due. Default 64.
    /// </summary>
    public int MaxInFlight { get; init; } = 64;

    /// <summary>One request's deadline (<c>--request-timeout-secs</c>). Default 30 s.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>CSV report path (<c>-f</c>), or null.</summary>
    public string? CsvFile { get; init; }

    /// <summary>JSON report path (<c>--json-file</c>), or null.</summary>
    public string? JsonFile { get; init; }

    /// <summary>Thresholds (<c>--threshold</c>): checked on every step, or on every scenario as a whole with <see cref="ScenarioFile"/>.</summary>
    public IReadOnlyList<Threshold> Thresholds { get; init; } = [];

    /// <summary>Self-contained HTML report path (<c>--html-file</c>), or null.</summary>
    public string? HtmlFile { get; init; }

    /// <summary>A scenario file (<c>--scenario</c>): its scenarios run side by side instead of the flags' one model and range.</summary>
    public string? ScenarioFile { get; init; }

    /// <summary>A capture file to replay (<c>--replay</c>), each request once at its recorded pace times <see cref="ReplaySpeed"/>.</summary>
    public string? ReplayFile { get; init; }

    /// <summary>How much faster than recorded a replay sends (<c>--replay-speed</c>): 2 halves every gap. Default 1.</summary>
    public double ReplaySpeed { get; init; } = 1;

    /// <summary>The address with a scheme and the protocol's default port filled in.</summary>
    public Uri ServerUri()
    {
        var url = Url.Length > 0 ? Url : Protocol == Protocol.Grpc ? "localhost:8001" : "localhost:8000";
        if (!url.Contains("://", StringComparison.Ordinal))
        {
            url = "http://" + url;
        }

        return new Uri(url.EndsWith('/') ? url : url + "/");
    }

    /// <summary>Steps to run: concurrency levels or request rates.</summary>
    public IReadOnlyList<LoadLevel> Levels()
    {
        if (RequestRateRange is { } rates)
        {
            return [.. rates.Values().Select(LoadLevel.Rate)];
        }

        var concurrency = ConcurrencyRange ?? new LoadRange(1, 1, 1);
        return [.. concurrency.Values().Select(value => LoadLevel.Concurrency((int)value))];
    }
}
