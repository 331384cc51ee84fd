using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace InferenceServer.FunctionalTests.Infrastructure;

/// <summary>
/// A real Prometheus (the <c>prometheus</c> binary; <c>.ci/run</c> installs the Debian package) scraping one
/// server's <c>/metrics</c> every <see cref="ScrapeInterval"/>, with its data in a fresh temporary folder and its
/// HTTP API on a free loopback port. Tests ask it PromQL through <see cref="QueryAsync"/>, so the exposition is
/// checked by the parser dashboards and alerts actually use. Disposing kills the process and deletes the folder.
/// </summary>
internal sealed class PrometheusServer : IAsyncDisposable
{
    public const string JobName = "inference-server";

    /// <summary>How often Prometheus scrapes (its own schedule; a test waits for it by polling the API).</summary>
    public static readonly TimeSpan ScrapeInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>Starting Prometheus: opening an empty TSDB takes about a second, more on a loaded CI machine.</summary>
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The pause between two polls of the readiness endpoint or of a query.</summary>
    private static readonly TimeSpan PollDelay = TimeSpan.FromMilliseconds(100);

    private const int StartAttempts = 3;
    private const int OutputLimit = 64 * 1024;

    private readonly Process _process;
    private readonly string _folder;
    private readonly StringBuilder _output;
    private readonly HttpClient _http;

    private PrometheusServer(Process process, string folder, StringBuilder output, HttpClient http, int port, string target)
    {
        _process = process;
        _folder = folder;
        _output = output;
        _http = http;
        Port = port;
        Target = target;
    }

    /// <summary>The port of Prometheus' HTTP API.</summary>
    public int Port { get; }

    /// <summary>The scraped <c>host:port</c>, the <c>instance</c> label of every scraped series.</summary>
    public string Target { get; }

    /// <summary>What Prometheus logged so far (it logs to stderr), for assertion messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>The last <paramref name="lines"/> lines Prometheus logged.</summary>
    public string OutputTail(int lines) =>
        string.Join('\n', Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(lines));

    /// <summary>The <c>prometheus</c> executable: on PATH, else the Debian package's path; null when neither exists.</summary>
    public static string? FindExecutable()
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, "prometheus");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return File.Exists("/usr/bin/prometheus") ? "/usr/bin/prometheus" : null;
    }

    /// <summary>Starts Prometheus scraping <c>http://127.0.0.1:<paramref name="metricsPort"/>/metrics</c> and waits until it is ready.</summary>
    /// <param name="rulesFile">An alerting rules file to evaluate every scrape interval (its alerts show in <c>ALERTS</c>); null for none.</param>
    public static async Task<PrometheusServer> StartAsync(int metricsPort, string? rulesFile = null)
    {
        var executable = FindExecutable() ?? throw new InvalidOperationException(
            "the prometheus binary was not found on PATH or at /usr/bin/prometheus; .ci/run installs it " +
            "(Debian: apt-get install prometheus)");

        var folder = Path.Combine(Path.GetTempPath(), "inference-server-functional-tests", "prometheus-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var target = $"127.0.0.1:{metricsPort}";
        var configFile = Path.Combine(folder, "prometheus.yml");
        await File.WriteAllTextAsync(configFile, Config(target, rulesFile)).WaitAsync(TestTimeouts.Request);

        try
        {
            // The free port is found by binding port 0 and releasing it, so another process can take it before
            // Prometheus binds: that shows as an early exit, and a fresh port is tried.
            for (var attempt = 1; ; attempt++)
            {
                var port = FreePort();
                var output = new StringBuilder();
                var process = Start(executable, configFile, Path.Combine(folder, $"data-{attempt}"), port, output);
                var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TestTimeouts.Request };
                var server = new PrometheusServer(process, folder, output, http, port, target);
                try
                {
                    if (await server.WaitUntilReadyAsync())
                    {
                        return server;
                    }
                }
                catch
                {
                    await server.StopAsync();
                    throw;
                }

                await server.StopAsync();
                var log = server.Output;
                if (attempt == StartAttempts || !log.Contains("address already in use", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"prometheus exited with {process.ExitCode} before it was ready:\n{log}");
                }
            }
        }
        catch
        {
            DeleteFolder(folder);
            throw;
        }
    }

    /// <summary>Evaluates <paramref name="promql"/> now (an instant query); a scalar result is one sample without labels.</summary>
    public async Task<IReadOnlyList<PrometheusSample>> QueryAsync(string promql)
    {
        using var response = await _http.GetAsync("api/v1/query?query=" + Uri.EscapeDataString(promql)).WithTimeout();
        var body = await response.Content.ReadAsStringAsync().WithTimeout();
        using var document = ParseApiResponse(body, response.StatusCode, promql);
        var data = document.RootElement.GetProperty("data");
        var result = data.GetProperty("result");
        return data.GetProperty("resultType").GetString() switch
        {
            "vector" => [.. result.EnumerateArray().Select(Sample)],
            "scalar" => [new PrometheusSample(new Dictionary<string, string>(StringComparer.Ordinal), Value(result))],
            var other => throw new InvalidOperationException($"'{promql}' returned a {other}; only instant vectors and scalars are read"),
        };
    }

    /// <summary>
    /// Polls <paramref name="promql"/> until it returns a non-empty result that <paramref name="predicate"/> accepts,
    /// and returns it. Scrapes happen on Prometheus' schedule and it raises no event, hence the poll; on timeout
    /// the failure names the query, its last result, the target's scrape health and Prometheus' log.
    /// </summary>
    public async Task<IReadOnlyList<PrometheusSample>> WaitForAsync(string promql, Func<IReadOnlyList<PrometheusSample>, bool> predicate, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TestTimeouts.Request;
        var clock = Stopwatch.StartNew();
        IReadOnlyList<PrometheusSample> last;
        while (true)
        {
            last = await QueryAsync(promql);
            if (last.Count > 0 && predicate(last))
            {
                return last;
            }

            if (clock.Elapsed >= limit)
            {
                break;
            }

            await Task.Delay(PollDelay);
        }

        var shown = last.Count == 0 ? "an empty result" : string.Join(", ", last);
        throw new TimeoutException(
            $"'{promql}' did not satisfy the condition within {limit.TotalSeconds:0.#}s; last result: {shown}\n" +
            $"scrape target: {await TargetHealthAsync()}\nprometheus log (last lines):\n{OutputTail(20)}");
    }

    /// <summary>The scrape target's health and last error, as Prometheus reports them.</summary>
    public async Task<string> TargetHealthAsync()
    {
        try
        {
            var body = await _http.GetStringAsync("api/v1/targets").WithTimeout();
            using var document = JsonDocument.Parse(body);
            var targets = document.RootElement.GetProperty("data").GetProperty("activeTargets").EnumerateArray()
                .Select(t => $"{t.GetProperty("scrapeUrl").GetString()} health={t.GetProperty("health").GetString()} " +
                    $"lastScrape={t.GetProperty("lastScrape").GetString()} lastError='{t.GetProperty("lastError").GetString()}'");
            return string.Join("; ", targets);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return $"unknown ({e.Message})";
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        DeleteFolder(_folder);
    }

    private async Task StopAsync()
    {
        _http.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync().WaitAsync(TestTimeouts.Server);
        }
        finally
        {
            _process.Dispose();
        }
    }

    /// <summary>Polls <c>/-/ready</c> (Prometheus' only readiness signal); false when the process exits first.</summary>
    private async Task<bool> WaitUntilReadyAsync()
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                return false;
            }

            try
            {
                using var response = await _http.GetAsync("-/ready").WithTimeout();
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (clock.Elapsed >= StartTimeout)
            {
                throw new TimeoutException($"prometheus was not ready within {StartTimeout.TotalSeconds:0}s:\n{Output}");
            }

            await Task.Delay(PollDelay);
        }
    }

    private static string Config(string target, string? rulesFile)
    {
        var interval = $"{ScrapeInterval.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}ms";
        var rules = rulesFile is null ? "" : $"rule_files: ['{rulesFile}']\n";
        return rules + $"""
            global:
              scrape_interval: {interval}
              scrape_timeout: {interval}
              evaluation_interval: {interval}
            scrape_configs:
              - job_name: {JobName}
                metrics_path: /metrics
                static_configs:
                  - targets: ['{target}']

            """;
    }

    private static Process Start(string executable, string configFile, string dataFolder, int port, StringBuilder output)
    {
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add($"--config.file={configFile}");
        start.ArgumentList.Add($"--storage.tsdb.path={dataFolder}");
        start.ArgumentList.Add($"--web.listen-address=127.0.0.1:{port}");

        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (output)
            {
                if (output.Length < OutputLimit)
                {
                    output.AppendLine(line);
                }
            }
        }

        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        if (!process.Start())
        {
            process.Dispose();
            throw new InvalidOperationException($"could not start {executable}");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    /// <summary>Parses an API answer; a non-success status (a PromQL error, say) becomes an exception naming the query.</summary>
    private static JsonDocument ParseApiResponse(string body, HttpStatusCode status, string promql)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            throw new InvalidOperationException($"'{promql}': HTTP {(int)status} with a body that is not JSON: {body}");
        }

        var root = document.RootElement;
        if (root.TryGetProperty("status", out var result) && result.GetString() == "success")
        {
            return document;
        }

        document.Dispose();
        throw new InvalidOperationException($"'{promql}': HTTP {(int)status}: {body}");
    }

    private static PrometheusSample Sample(JsonElement element)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var label in element.GetProperty("metric").EnumerateObject())
        {
            labels[label.Name] = label.Value.GetString() ?? "";
        }

        return new PrometheusSample(labels, Value(element.GetProperty("value")));
    }

    /// <summary>An API value is <c>[unix seconds, "value"]</c>, the value a Go float as text (<c>+Inf</c>, <c>NaN</c> included).</summary>
    private static double Value(JsonElement pair)
    {
        var text = pair[1].GetString() ?? throw new InvalidOperationException($"not a sample value: {pair}");
        return text switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
        };
    }

    private static void DeleteFolder(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is not worth failing a test run over.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>One series of an instant-query result: its labels (<c>__name__</c> included when kept) and value.</summary>
internal sealed record PrometheusSample(IReadOnlyDictionary<string, string> Labels, double Value)
{
    public override string ToString() =>
        "{" + string.Join(",", Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}=\"{l.Value}\"")) + "} " +
        Value.ToString("R", CultureInfo.InvariantCulture);
}
