using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Grpc.Core;

namespace InferenceServer.FunctionalTests.Infrastructure;

/// <summary>
/// Continuous inference on one model from several clients (half HTTP, half gRPC) while a test swaps its
/// versions. Every answer must be a success, and its <c>model_version</c> must have been live while the request
/// was out: not older than the version published before the request was sent, not newer than the newest
/// version whose files existed when the answer came back.
/// </summary>
internal sealed class SwapLoad
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _clients;
    private long _published;
    private long _requested;

    public SwapLoad(TestServer server, string model, int clients, long liveVersion)
    {
        _published = _requested = liveVersion;
        _clients = Enumerable.Range(0, clients).Select(client => Task.Run(() => RunClientAsync(server, model, useGrpc: client % 2 == 1))).ToArray();
    }

    public ConcurrentQueue<string> Failures { get; } = new();

    /// <summary>Answers per version.</summary>
    public ConcurrentDictionary<long, int> Seen { get; } = new();

    /// <summary>Call before the files of <paramref name="version"/> appear: answers may name it from now on.</summary>
    public void Requesting(long version) => Interlocked.Exchange(ref _requested, version);

    /// <summary>Call once the swap to <paramref name="version"/> is done: requests sent from now on must get it.</summary>
    public void Published(long version) => Interlocked.Exchange(ref _published, version);

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_clients).WaitAsync(TestTimeouts.Load);
    }

    private async Task RunClientAsync(TestServer server, string model, bool useGrpc)
    {
        for (var count = 0; !_stop.IsCancellationRequested; count++)
        {
            var oldest = Interlocked.Read(ref _published);
            try
            {
                long version;
                if (useGrpc)
                {
                    version = long.Parse((await server.Grpc.ModelInferAsync(SimpleRequests.Grpc(batch: 1, seed: count, model: model))).ModelVersion, CultureInfo.InvariantCulture);
                }
                else
                {
                    using var response = await HttpInfer.PostAsync(server.Http, model, SimpleRequests.Json(batch: 1, seed: count));
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
            }
            catch (Exception ex) when (ex is RpcException or HttpRequestException)
            {
                Failures.Enqueue($"{(useGrpc ? "gRPC" : "HTTP")}: {ex.Message}");
            }
        }
    }
}
