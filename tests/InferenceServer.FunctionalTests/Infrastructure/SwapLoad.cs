using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Grpc.Core;

namespace InferenceServer.FunctionalTests.Infrastructure;

/// <summary>
/// Continuous inference on one model from several clients (half HTTP, half gRPC) while a test swaps its
/// versions. Every answer must be a success, and its <c>model_version</c> must have been live while the request
/// was out: not older than the version published before the request was sent, not newer than the newest
/// version whose files existed when the answer came back. One more client polls the model's and the server's
/// ready endpoints: both stay 200 through every swap.
/// </summary>
internal sealed class SwapLoad
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _clients;
    private readonly ConcurrentDictionary<long, TaskCompletionSource> _firstAnswers = new();
    private long _published;
    private long _requested;

    public SwapLoad(TestServer server, string model, int clients, long liveVersion)
        : this(server.Http, server.Grpc, model, clients, liveVersion)
    {
    }

    /// <param name="http">A client of the server's HTTP port.</param>
    /// <param name="grpc">A client of the server's gRPC port.</param>
    /// <param name="model">The model whose versions are swapped.</param>
    /// <param name="clients">Inference clients, half HTTP and half gRPC.</param>
    /// <param name="liveVersion">The version serving now.</param>
    public SwapLoad(HttpClient http, InferenceGrpcClient grpc, string model, int clients, long liveVersion)
    {
        _published = _requested = liveVersion;
        _clients =
        [
            .. Enumerable.Range(0, clients).Select(client => Task.Run(() => RunClientAsync(http, grpc, model, useGrpc: client % 2 == 1))),
            Task.Run(() => ProbeReadinessAsync(http, model)),
        ];
    }

    /// <summary>Answers so far, over both protocols.</summary>
    public long Answers => Seen.Values.Sum();

    public ConcurrentQueue<string> Failures { get; } = new();

    /// <summary>Answers per version.</summary>
    public ConcurrentDictionary<long, int> Seen { get; } = new();

    /// <summary>Call before the files of <paramref name="version"/> appear: answers may name it from now on.</summary>
    public void Requesting(long version) => Interlocked.Exchange(ref _requested, version);

    /// <summary>Call once the swap to <paramref name="version"/> is done: requests sent from now on must get it.</summary>
    public void Published(long version) => Interlocked.Exchange(ref _published, version);

    /// <summary>Completes once some client got an answer from <paramref name="version"/> (so every swap happens under traffic).</summary>
    public Task WaitForAnswerFromAsync(long version) => FirstAnswer(version).Task.WaitAsync(TestTimeouts.Request);

    private TaskCompletionSource FirstAnswer(long version) =>
        _firstAnswers.GetOrAdd(version, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_clients).WaitAsync(TestTimeouts.Load);
    }

    private async Task ProbeReadinessAsync(HttpClient http, string model)
    {
        while (!_stop.IsCancellationRequested)
        {
            foreach (var path in new[] { $"v2/models/{model}/ready", "v2/health/ready" })
            {
                try
                {
                    using var response = await http.GetAsync(path);
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        Failures.Enqueue($"GET {path}: {(int)response.StatusCode} during a swap");
                    }
                }
                catch (HttpRequestException ex)
                {
                    Failures.Enqueue($"GET {path}: {ex.Message}");
                }
            }
        }
    }

    private async Task RunClientAsync(HttpClient http, InferenceGrpcClient grpc, string model, bool useGrpc)
    {
        for (var count = 0; !_stop.IsCancellationRequested; count++)
        {
            var oldest = Interlocked.Read(ref _published);
            try
            {
                long version;
                if (useGrpc)
                {
                    version = long.Parse((await grpc.ModelInferAsync(SimpleRequests.Grpc(batch: 1, seed: count, model: model))).ModelVersion, CultureInfo.InvariantCulture);
                }
                else
                {
                    using var response = await HttpInfer.PostAsync(http, model, SimpleRequests.Json(batch: 1, seed: count));
                    var result = await HttpInfer.ReadAsync(response);
                    if (result.Status != HttpStatusCode.OK)
                    {
                        Failures.Enqueue($"HTTP {(int)result.Status}: {result.Json.ToJsonString()}");
                        continue;
                    }

                    version = long.Parse(result.Json["model_version"]!.GetValue<string>(), CultureInfo.InvariantCulture);
                }

                var newest = Interlocked.Read(ref _requested);
                if (version < oldest || version > newest)
                {
                    Failures.Enqueue($"answered by version {version}, but only {oldest}..{newest} were live while the request was out");
                }

                Seen.AddOrUpdate(version, 1, (_, n) => n + 1);
                FirstAnswer(version).TrySetResult();
            }
            catch (Exception ex) when (ex is RpcException or HttpRequestException)
            {
                Failures.Enqueue($"{(useGrpc ? "gRPC" : "HTTP")}: {ex.Message}");
            }
        }
    }
}
