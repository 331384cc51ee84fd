using System.Globalization;
using System.Net;
using Grpc.Core;
using Grpc.Net.Client;
using InferenceServer.Client.Grpc;
using InferenceServer.Client.Http;
using InferenceServer.FunctionalTests.Infrastructure;
using InferenceServer.ModelBuilder.Repository;
using InferenceServer.ModelBuilder.Samples;

namespace InferenceServer.FunctionalTests.Lifecycle.Chaos;

/// <summary>
/// The chaos soak: the published server serving <c>simple</c> under continuous HTTP and gRPC load (<see cref="SwapLoad"/>: every answer a success, from a version live while the request was out), swapped
/// to a new version again and again, the server taking each change of the repository from its poller (poll mode, one-second
/// polls) or from a load call (explicit mode, <see cref="ChaosControl"/>); before each swap one <see cref="ChaosFault"/>, in turn. Each fault must show where
/// an operator looks: a failed load in the load call's answer (explicit mode), as the serving version's reason in the repository index and in
/// <c>inference_server_model_load_failures_total</c>; a repository that cannot be read in
/// <c>inference_server_repository_poll_failures_total</c> (poll mode) or the load call's answer (explicit mode); a model failing at run time in its own answers
/// (400 / INVALID_ARGUMENT with the graph's error) and <c>nv_inference_request_failure</c>. After every swap the server
/// process's RSS, descriptors and threads are read from /proc (<see cref="ChaosSample"/>).
/// The server runs on its own clock, so the waits here poll its API and metrics.
/// </summary>
internal sealed class ChaosSoak : IAsyncDisposable
{
    public const string Model = "simple";
    public const string Failing = "failing";
    private const string Config = "name: \"simple\"\nmax_batch_size: 8\n";
    private const string ConfigWithTypo = "name: \"simple\"\nmax_batch_sise: 8\n";
    private const string ThreadPoolWorkerName = ".NET TP Worker";
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(50);
    private static readonly byte[] SimpleOnnx =
        SampleRepositoryWriter.CreateSamples().Single(s => s.Name == SampleModelNames.Simple).Onnx;

    private readonly ServerProcess _server;
    private readonly ChaosControl _control;
    private readonly string _repository;
    private readonly HttpClient _http;
    private readonly GrpcChannel _channel;
    private readonly InferenceGrpcClient _grpc;
    private long _version = 1;

    private ChaosSoak(ServerProcess server, ChaosControl control, string repository)
    {
        _server = server;
        _control = control;
        _repository = repository;
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.HttpPort}/"), Timeout = TestTimeouts.Request };
        _http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", TestServer.ControlToken);
        _channel = GrpcChannel.ForAddress($"http://127.0.0.1:{server.GrpcPort}");
        _grpc = new InferenceGrpcClient(_channel);
        Load = new SwapLoad(new HttpInferenceClient(_http, SwapLoad.Options), new GrpcInferenceClient(_channel, SwapLoad.Options), Model, clients: 4, liveVersion: 1);
    }

    /// <summary>The faults in the order they are injected: swap N gets <c>Order[(N - 1) % Order.Length]</c>.</summary>
    public static ChaosFault[] Order { get; } = Enum.GetValues<ChaosFault>();

    /// <summary>The inference load on <see cref="Model"/>; its failures are the soak's verdict.</summary>
    public SwapLoad Load { get; }

    /// <summary>What each fault showed (reasons, counters), for the test's output.</summary>
    public List<string> Observations { get; } = [];

    /// <summary>The server's output so far, for assertion messages.</summary>
    public string ServerOutput => _server.Output;

    public static async Task<ChaosSoak> StartAsync(string executable, ChaosControl control)
    {
        var repository = Directory.CreateTempSubdirectory("chaos-soak-").FullName;
        SampleRepositoryWriter.WriteModel(repository, Model, SimpleOnnx, Config, version: 1);
        SampleRepositoryWriter.WriteModel(repository, Failing, TrafficSampleModels.SimpleFailing(), $$"""
            name: "{{Failing}}"
            max_batch_size: 8
            input [ { name: "INPUT0" data_type: TYPE_INT32 dims: [ 16 ] }, { name: "INPUT1" data_type: TYPE_INT32 dims: [ 16 ] } ]
            output [ { name: "OUTPUT0" data_type: TYPE_INT32 dims: [ 16 ] }, { name: "OUTPUT1" data_type: TYPE_INT32 dims: [ 16 ] } ]
            """);
        var server = control == ChaosControl.Poll
            ? await ServerProcess.StartAsync(executable, repository, "--model-control-mode=poll", "--repository-poll-secs=1")
            : await ServerProcess.StartAsync(executable, repository, "--model-control-mode=explicit", $"--load-model={Model}", $"--load-model={Failing}");
        var soak = new ChaosSoak(server, control, repository);
        await soak.Load.WaitForAnswerFromAsync(1);
        return soak;
    }

    /// <summary>Swaps <paramref name="swaps"/> times, each after its fault; returns a sample per swap (and one before the first).</summary>
    public async Task<IReadOnlyList<ChaosSample>> RunAsync(int swaps, Action<ChaosSample>? sampled = null)
    {
        var samples = new List<ChaosSample> { Sample(0, ChaosFault.None) };
        sampled?.Invoke(samples[0]);
        for (var swap = 1; swap <= swaps; swap++)
        {
            var fault = Order[(swap - 1) % Order.Length];
            var next = _version + 1;
            await InjectAsync(fault, next);
            await SwapAsync(next);
            samples.Add(Sample(swap, fault));
            sampled?.Invoke(samples[^1]);
        }

        return samples;
    }

    private async Task InjectAsync(ChaosFault fault, long next)
    {
        switch (fault)
        {
            case ChaosFault.None:
                return;
            case ChaosFault.CopyKilledHalfWay:
                await ExpectFailedLoadAsync(fault, () => WriteModelFile(next, SimpleOnnx[..(SimpleOnnx.Length / 2)]), "reload failed");
                return;
            case ChaosFault.CorruptModel:
                await ExpectFailedLoadAsync(fault, () => WriteModelFile(next, SampleModels.Corrupt()), "reload failed");
                return;
            case ChaosFault.ConfigTypo:
                await ExpectFailedLoadAsync(fault, () => File.WriteAllText(Path.Combine(_repository, Model, "config.pbtxt"), ConfigWithTypo), "config.pbtxt");
                return;
            case ChaosFault.UnreadableModel:
                await ExpectFailedLoadAsync(fault, () => Directory.CreateDirectory(Path.Combine(VersionFolder(next), "model.onnx")), "reload failed");
                return;
            case ChaosFault.FailingAtRunTime:
                await ExpectRunTimeFailuresAsync();
                return;
            case ChaosFault.RepositoryRenamed:
                await ExpectUnreadableRepositoryAsync();
                return;
            default:
                throw new ArgumentOutOfRangeException(nameof(fault), fault, null);
        }
    }

    // The next version's files complete (whatever a fault left in its folder goes), the config is the good one, and the
    // serving version's folder goes: the swap is done once a client got an answer from the new version.
    private async Task SwapAsync(long next)
    {
        Load.Requesting(next);
        if (Directory.Exists(VersionFolder(next)))
        {
            Directory.Delete(VersionFolder(next), recursive: true);
        }

        var config = Path.Combine(_repository, Model, "config.pbtxt");
        if (File.ReadAllText(config) != Config)
        {
            File.WriteAllText(config, Config);
        }

        SampleRepositoryWriter.WriteModel(_repository, Model, SimpleOnnx, config: null, (int)next);
        Directory.Delete(VersionFolder(_version), recursive: true);
        if (_control == ChaosControl.Api)
        {
            using var loaded = await LoadCallAsync();
            Assert.True(loaded.StatusCode == HttpStatusCode.OK, $"loading version {next}: {(int)loaded.StatusCode} {await loaded.Content.ReadAsStringAsync()}");
        }

        await Load.WaitForAnswerFromAsync(next).WaitAsync(TestTimeouts.Load);
        Load.Published(next);
        _version = next;
    }

    private async Task ExpectFailedLoadAsync(ChaosFault fault, Action change, string reasonText)
    {
        const string Counter = "inference_server_model_load_failures_total{model=\"simple\"}";
        var before = await MetricAsync(Counter);
        change();
        var answer = "";
        if (_control == ChaosControl.Api)
        {
            using var refused = await LoadCallAsync();
            answer = await refused.Content.ReadAsStringAsync();
            Assert.True(refused.StatusCode == HttpStatusCode.BadRequest, $"{fault}: the load call answered {(int)refused.StatusCode} {answer}");
        }

        await EventuallyAsync(async () => await MetricAsync(Counter) > before, $"{fault}: a failed load of '{Model}' counted in {Counter}");
        var reason = await ServingReasonAsync();
        Assert.True(reason.Contains(reasonText, StringComparison.Ordinal), $"{fault}: the index gives the serving version's reason as '{reason}', expected it to mention '{reasonText}'");
        Observations.Add($"{fault}: {reason}{(answer.Length > 0 ? $" (load call: {answer})" : "")}");
    }

    private async Task ExpectRunTimeFailuresAsync()
    {
        const string Counter = "nv_inference_request_failure{model=\"failing\"";
        var before = await MetricAsync(Counter);
        using var response = await HttpInfer.PostAsync(_http, Failing, SimpleRequests.Json(batch: 1));
        var message = await HttpInfer.AssertErrorAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("Reshape", message, StringComparison.Ordinal);
        var error = await Assert.ThrowsAsync<RpcException>(() => _grpc.ModelInferAsync(SimpleRequests.Grpc(batch: 1, model: Failing)).WithTimeout());
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("Reshape", error.Status.Detail, StringComparison.Ordinal);
        await EventuallyAsync(async () => await MetricAsync(Counter) >= before + 2, $"two more failures counted in {Counter}}}");
        Observations.Add($"{ChaosFault.FailingAtRunTime}: {message}");
    }

    private async Task ExpectUnreadableRepositoryAsync()
    {
        const string Counter = "inference_server_repository_poll_failures_total";
        var before = await MetricAsync(Counter);
        var moved = _repository + ".moved";
        Directory.Move(_repository, moved);
        string seen;
        try
        {
            if (_control == ChaosControl.Api)
            {
                using var refused = await LoadCallAsync();
                seen = $"load call answered {(int)refused.StatusCode} {await refused.Content.ReadAsStringAsync()}";
                Assert.True(refused.StatusCode != HttpStatusCode.OK, $"{ChaosFault.RepositoryRenamed}: {seen}");
            }
            else
            {
                await EventuallyAsync(async () => await MetricAsync(Counter) > before, $"a poll that could not read the repository counted in {Counter}");
                seen = $"{Counter} {before} -> {await MetricAsync(Counter)}";
            }

            using var ready = await _http.GetAsync("v2/health/ready").WithTimeout();
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }
        finally
        {
            Directory.Move(moved, _repository);
        }

        Observations.Add($"{ChaosFault.RepositoryRenamed}: {seen}");
    }

    private Task<HttpResponseMessage> LoadCallAsync() => _http.PostAsync($"v2/repository/models/{Model}/load", content: null).WithTimeout();

    // The reason the index gives for the model's serving version: a failed reload says so there.
    private async Task<string> ServingReasonAsync()
    {
        using var response = await _http.PostAsync("v2/repository/index", content: null).WithTimeout();
        var rows = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync().WithTimeout())!.AsArray();
        return string.Join(" | ", rows
            .Where(row => row!["name"]!.GetValue<string>() == Model && row["reason"] is not null)
            .Select(row => row!["reason"]!.GetValue<string>()));
    }

    // The sum of the samples whose name and labels start with prefix (0 when there is none yet).
    private async Task<double> MetricAsync(string prefix)
    {
        var text = await _http.GetStringAsync($"http://127.0.0.1:{_server.MetricsPort}/metrics").WithTimeout();
        var sum = 0.0;
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                sum += double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return sum;
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Load);
        while (!await condition())
        {
            if (timeout.IsCancellationRequested)
            {
                throw new TimeoutException($"waited {TestTimeouts.Load.TotalSeconds} s for {what}");
            }

            await Task.Delay(PollEvery);
        }
    }

    private void WriteModelFile(long version, byte[] bytes)
    {
        Directory.CreateDirectory(VersionFolder(version));
        File.WriteAllBytes(Path.Combine(VersionFolder(version), "model.onnx"), bytes);
    }

    private string VersionFolder(long version) => Path.Combine(_repository, Model, version.ToString(CultureInfo.InvariantCulture));

    private ChaosSample Sample(int swap, ChaosFault fault)
    {
        var pid = _server.ProcessId;
        var status = File.ReadAllLines($"/proc/{pid}/status");
        var rss = long.Parse(status.First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        var threads = 0;
        var poolThreads = 0;
        foreach (var task in Directory.GetDirectories($"/proc/{pid}/task"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).TrimEnd() == ThreadPoolWorkerName)
                {
                    poolThreads++;
                }
                else
                {
                    threads++;
                }
            }
            catch (IOException)
            {
                // The thread ended between the listing and the read.
            }
        }

        return new ChaosSample(swap, fault, _version, rss << 10, Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length, threads, poolThreads, Load.Answers);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Load.StopAsync();
        }
        finally
        {
            _http.Dispose();
            _channel.Dispose();
            await _server.DisposeAsync();
            Directory.Delete(_repository, recursive: true);
        }
    }
}
