using System.Collections.Concurrent;
using System.Globalization;
using InferenceServer.Client;
using InferenceServer.Client.Errors;
using InferenceServer.Client.Grpc;
using InferenceServer.Client.Http;

namespace InferenceServer.FunctionalTests.Infrastructure;

/// <summary>
/// Continuous inference on one model from several clients (half HTTP, half gRPC) while a test swaps its
/// versions. Every answer must be a success, and its <c>model_version</c> must have been live while the request
/// was out: not older than the version published before the request was sent, not newer than the newest
/// version whose files existed when the answer came back. One more client polls the model's and the server's
/// ready endpoints: both stay 200 through every swap. The clients are the client library's, which never retries a
/// request that reached the server, so a failure here is the server's.
/// </summary>
internal sealed class SwapLoad
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _clients;
    private readonly ConcurrentDictionary<long, TaskCompletionSource> _firstAnswers = new();
    private long _published;
    private long _requested;

    public SwapLoad(TestServer server, string model, int clients, long liveVersion)
        : this(new HttpInferenceClient(server.Http, Options), new GrpcInferenceClient(server.Channel, Options), model, clients, liveVersion)
    {
    }

    /// <summary>Every call bounded; only connections that could not be made are retried (the library's rule).</summary>
    public static InferenceClientOptions Options => new() { Timeout = TestTimeouts.Request };

    /// <param name="http">A client of the server's HTTP port.</param>
    /// <param name="grpc">A client of the server's gRPC port.</param>
    /// <param name="model">The model whose versions are swapped.</param>
    /// <param name="clients">Inference clients, half HTTP and half gRPC.</param>
    /// <param name="liveVersion">The version serving now.</param>
    public SwapLoad(InferenceClient http, InferenceClient grpc, string model, int clients, long liveVersion)
    {
        _published = _requested = liveVersion;
        _clients =
        [
            .. Enumerable.Range(0, clients).Select(client => Task.Run(() => RunClientAsync(client % 2 == 1 ? grpc : http, model))),
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

    private async Task ProbeReadinessAsync(InferenceClient http, string model)
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                if (!await http.IsModelReadyAsync(model))
                {
                    Failures.Enqueue($"GET v2/models/{model}/ready: not 200 during a swap");
                }

                if (!await http.IsServerReadyAsync())
                {
                    Failures.Enqueue("GET v2/health/ready: not 200 during a swap");
                }
            }
            catch (InferenceServerException ex)
            {
                Failures.Enqueue($"readiness: {ex.Message}");
            }
        }
    }

    private async Task RunClientAsync(InferenceClient client, string model)
    {
        for (var count = 0; !_stop.IsCancellationRequested; count++)
        {
            var oldest = Interlocked.Read(ref _published);
            try
            {
                using var request = new InferRequest(model)
                    .AddInput("INPUT0", SimpleRequests.Input0(1, count), SimpleRequests.Shape(1))
                    .AddInput("INPUT1", SimpleRequests.Input1(1, count), SimpleRequests.Shape(1));
                using var result = await client.InferAsync(request);
                var version = long.Parse(result.ModelVersion, CultureInfo.InvariantCulture);
                var newest = Interlocked.Read(ref _requested);
                if (version < oldest || version > newest)
                {
                    Failures.Enqueue($"answered by version {version}, but only {oldest}..{newest} were live while the request was out");
                }

                Seen.AddOrUpdate(version, 1, (_, n) => n + 1);
                FirstAnswer(version).TrySetResult();
            }
            catch (InferenceServerException ex)
            {
                Failures.Enqueue($"{client.Protocol}: {ex.Message}");
            }
        }
    }
}
