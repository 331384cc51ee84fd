using System.Net;
using InferenceServer.FunctionalTests.Infrastructure;
using InferenceServer.ModelBuilder.Repository;
using InferenceServer.ModelBuilder.Samples;

namespace InferenceServer.FunctionalTests.Aot;

/// <summary>
/// SIGTERM on the published binary while requests wait in a model's queue (a one-second batching delay): every
/// request the server accepted is answered 200 with the right sums, and the process exits 0 within the exit timeout.
/// </summary>
public sealed class GracefulShutdownTests
{
    [Fact]
    public async Task Sigterm_WithQueuedRequests_AnswersThemAll_ThenExitsZero()
    {
        var executable = await AotBinary.Server.GetAsync();
        var repository = Directory.CreateTempSubdirectory("graceful-shutdown-").FullName;
        try
        {
            var onnx = SampleRepositoryWriter.CreateSamples().Single(s => s.Name == SampleModelNames.Simple).Onnx;
            SampleRepositoryWriter.WriteModel(repository, "simple", onnx,
                "name: \"simple\"\nmax_batch_size: 8\ndynamic_batching { max_queue_delay_microseconds: 1000000 }\ninstance_group [{ count: 1, kind: KIND_CPU }]\n");
            await using var server = await ServerProcess.StartAsync(executable, repository, "--exit-timeout-secs=20", "--shutdown-grace-secs=0.5");
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.HttpPort}/"), Timeout = TestTimeouts.Request };
            using var metrics = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.MetricsPort}/"), Timeout = TestTimeouts.Request };

            var held = Enumerable.Range(0, 4).Select(i => HttpInfer.PostAsync(http, "simple", SimpleRequests.Json(batch: 1, seed: i))).ToArray();

            // The queue is inside the other process: its pending-requests gauge is the only signal (bounded poll).
            using (var timeout = new CancellationTokenSource(TestTimeouts.Request))
            {
                while (!(await metrics.GetStringAsync("metrics", timeout.Token)).Contains("nv_inference_pending_request_count{model=\"simple\",version=\"1\"} 4", StringComparison.Ordinal))
                {
                    await Task.Delay(10, timeout.Token);
                }
            }

            var exit = server.StopAsync();

            for (var i = 0; i < held.Length; i++)
            {
                using var response = await held[i].WithTimeout();
                var result = await HttpInfer.ReadAsync(response);
                Assert.Equal(HttpStatusCode.OK, result.Status);
                Assert.Equal(SimpleRequests.Sum(SimpleRequests.Input0(1, i), SimpleRequests.Input1(1, i)), result.Int32Data("OUTPUT0"));
            }

            Assert.Equal(0, await exit);
        }
        finally
        {
            Directory.Delete(repository, recursive: true);
        }
    }
}
