using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Net.Client;
using InferenceServer.FunctionalTests.Infrastructure;

namespace InferenceServer.FunctionalTests.Aot;

/// <summary>
/// SIGTERM on the published binary while HTTP and gRPC clients keep sending: every request the server accepted is
/// answered — 200 with the right sums, or 503 / UNAVAILABLE saying it is shutting down — and the only other outcome
/// is a connection the server never accepted (refused once it stopped listening). Readiness turns false while
/// requests are still served (the grace period), and the process exits 0.
/// </summary>
public sealed class ShutdownUnderLoadTests
{
    private const int HttpWorkers = 4;
    private const int GrpcWorkers = 2;
    private const int RequestsBeforeSigterm = 300;

    private readonly ConcurrentQueue<string> _unexpected = new();
    private readonly TaskCompletionSource _warm = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _answered;
    private long _answeredAfterNotReady;
    private long _refusedWith503;
    private long _neverAccepted;
    private long _notReadyAt = long.MaxValue;

    [Fact]
    public async Task Sigterm_DuringContinuousLoad_EveryAcceptedRequestIsAnswered_ExitZero()
    {
        var executable = await AotBinary.Server.GetAsync();
        var repository = Directory.CreateTempSubdirectory("shutdown-under-load-").FullName;
        try
        {
            TestRepositories.WriteSimple(repository);
            await using var server = await ServerProcess.StartAsync(executable, repository, "--exit-timeout-secs=20", "--shutdown-grace-secs=1");
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.HttpPort}/"), Timeout = TestTimeouts.Request };
            var channels = Enumerable.Range(0, GrpcWorkers).Select(_ => GrpcChannel.ForAddress($"http://127.0.0.1:{server.GrpcPort}")).ToArray();
            try
            {
                var workers = Enumerable.Range(0, HttpWorkers).Select(i => HttpWorkerAsync(http, seed: i))
                    .Concat(channels.Select((channel, i) => GrpcWorkerAsync(new InferenceGrpcClient(channel), seed: 100 + i)))
                    .ToArray();
                await _warm.Task.WaitAsync(TestTimeouts.Request);

                var exit = server.StopAsync();
                var readiness = WatchReadinessAsync(http);
                await Task.WhenAll(workers).WaitAsync(TestTimeouts.Server);
                await readiness.WaitAsync(TestTimeouts.Server);

                Assert.Equal(0, await exit);
                Assert.True(_unexpected.IsEmpty, $"{_unexpected.Count} requests lost or wrong, e.g. {string.Join(" | ", _unexpected.Take(3))}");
                Assert.True(_answeredAfterNotReady > 0, "nothing was served after readiness turned false: no grace period");
                Assert.True(_refusedWith503 > 0, $"no request was refused with 503/UNAVAILABLE (answered {_answered}, never accepted {_neverAccepted})");
            }
            finally
            {
                foreach (var channel in channels)
                {
                    channel.Dispose();
                }
            }
        }
        finally
        {
            Directory.Delete(repository, recursive: true);
        }
    }

    // Until the server refuses (a real client would go to another replica) or stops listening.
    private async Task HttpWorkerAsync(HttpClient http, int seed)
    {
        var expected = SimpleRequests.Sum(SimpleRequests.Input0(1, seed), SimpleRequests.Input1(1, seed));
        while (true)
        {
            HttpResponseMessage response;
            try
            {
                response = await http.PostAsync("v2/models/simple/infer", SimpleRequests.Json(batch: 1, seed: seed));
            }
            catch (HttpRequestException ex) when (IsConnectionRefused(ex))
            {
                Interlocked.Increment(ref _neverAccepted);
                return;
            }
            catch (Exception ex)
            {
                _unexpected.Enqueue($"HTTP: {ex.GetType().Name}: {ex.Message}");
                return;
            }

            using (response)
            {
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable
                    && (await response.Content.ReadAsStringAsync()).Contains("shutting down", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref _refusedWith503);
                    return;
                }

                var result = await HttpInfer.ReadAsync(response);
                if (result.Status != HttpStatusCode.OK || !result.Int32Data("OUTPUT0").SequenceEqual(expected))
                {
                    _unexpected.Enqueue($"HTTP {(int)result.Status}: {result.Json.ToJsonString()}");
                    return;
                }
            }

            Answered();
        }
    }

    private async Task GrpcWorkerAsync(InferenceGrpcClient grpc, int seed)
    {
        var expected = TensorCase.Pack(SimpleRequests.Sum(SimpleRequests.Input0(1, seed), SimpleRequests.Input1(1, seed)));
        while (true)
        {
            try
            {
                var response = await grpc.ModelInferAsync(SimpleRequests.Grpc(batch: 1, seed: seed));
                if (!response.RawOutputContents[0].Span.SequenceEqual(expected))
                {
                    _unexpected.Enqueue("gRPC: wrong OUTPUT0");
                    return;
                }
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Unavailable && ex.Status.Detail.Contains("shutting down", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _refusedWith503);
                return;
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Unavailable && ex.Status.DebugException is HttpRequestException inner && IsConnectionRefused(inner))
            {
                Interlocked.Increment(ref _neverAccepted);
                return;
            }
            catch (RpcException ex)
            {
                _unexpected.Enqueue($"gRPC {ex.StatusCode}: {ex.Status.Detail} {ex.Status.DebugException?.Message}");
                return;
            }

            Answered();
        }
    }

    private void Answered()
    {
        if (Interlocked.Increment(ref _answered) == RequestsBeforeSigterm)
        {
            _warm.TrySetResult();
        }

        if (Stopwatch.GetTimestamp() > Interlocked.Read(ref _notReadyAt))
        {
            Interlocked.Increment(ref _answeredAfterNotReady);
        }
    }

    // Marks the moment readiness is seen false (400, as in Triton) while the server still answers health checks.
    private async Task WatchReadinessAsync(HttpClient http)
    {
        while (true)
        {
            try
            {
                using var response = await http.GetAsync("v2/health/ready");
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    Interlocked.Exchange(ref _notReadyAt, Stopwatch.GetTimestamp());
                    using var live = await http.GetAsync("v2/health/live");
                    if (live.StatusCode != HttpStatusCode.OK)
                    {
                        _unexpected.Enqueue($"live answered {(int)live.StatusCode} while shutting down");
                    }

                    return;
                }
            }
            catch (HttpRequestException ex) when (IsConnectionRefused(ex))
            {
                _unexpected.Enqueue("the server stopped listening before readiness was seen false");
                return;
            }

            await Task.Delay(10);
        }
    }

    private static bool IsConnectionRefused(HttpRequestException ex) =>
        ex.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused };
}
