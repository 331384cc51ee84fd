using System.Net;
using Grpc.Core;
using InferenceServer.FunctionalTests.Infrastructure;
using InferenceServer.ModelBuilder.Repository;
using InferenceServer.ModelBuilder.Samples;
using Microsoft.Extensions.Time.Testing;

namespace InferenceServer.FunctionalTests.Lifecycle;

/// <summary>
/// Shutdown's phases on a fake clock: readiness false at once while live stays true and inference is still
/// served for the grace period; then new inference requests get 503 / UNAVAILABLE naming the shutdown while a
/// request accepted before (queued behind a long batching delay) still gets its answer; then the server stops.
/// </summary>
public sealed class ShutdownDrainTests
{
    private const string Held = "held";
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Shutdown_NotReadyAtOnce_ServesThroughGrace_ThenRefusesNew_AnswersAccepted()
    {
        var time = new FakeTimeProvider();
        var onnx = SampleRepositoryWriter.CreateSamples().Single(s => s.Name == SampleModelNames.Simple).Onnx;
        await using var server = await TestServer.StartAsync(root =>
        {
            TestRepositories.WriteSimple(root);
            SampleRepositoryWriter.WriteModel(root, Held, onnx,
                $"name: \"{Held}\"\nmax_batch_size: 8\ndynamic_batching {{ max_queue_delay_microseconds: 60000000 }}\n");
        }, options =>
        {
            options.ShutdownGrace = Grace;
            options.ExitTimeout = TimeSpan.FromMinutes(5);
        }, time);

        var held = HttpInfer.PostAsync(server.Http, Held, SimpleRequests.Json(batch: 1, seed: 7));
        await server.WaitForQueuedAsync(Held, 1);

        var stopped = server.ShutDownAsync();

        // Not ready is 400, as in Triton.
        await server.Admission.StoppingBegun.WaitAsync(TestTimeouts.Request);
        Assert.Equal(HttpStatusCode.BadRequest, await StatusAsync(server, "v2/health/ready"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(server, "v2/health/live"));
        using (var duringGrace = await HttpInfer.PostAsync(server.Http, "simple", SimpleRequests.Json(batch: 1)))
        {
            Assert.Equal(HttpStatusCode.OK, duringGrace.StatusCode);
        }

        Assert.True((await server.Grpc.ModelInferAsync(SimpleRequests.Grpc(batch: 1)).WithTimeout()).RawOutputContents.Count == 2);

        time.Advance(Grace);
        await server.Admission.RefusingBegun.WaitAsync(TestTimeouts.Request);
        string refusal;
        using (var response = await HttpInfer.PostAsync(server.Http, "simple", SimpleRequests.Json(batch: 1)))
        {
            refusal = await HttpInfer.AssertErrorAsync(response, HttpStatusCode.ServiceUnavailable);
        }

        Assert.Contains("shutting down", refusal, StringComparison.Ordinal);
        var grpcError = await Assert.ThrowsAsync<RpcException>(() => server.Grpc.ModelInferAsync(SimpleRequests.Grpc(batch: 1)).WithTimeout());
        Assert.Equal(StatusCode.Unavailable, grpcError.StatusCode);
        Assert.Contains("shutting down", grpcError.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(server, "v2/health/live"));
        Assert.False(held.IsCompleted);
        Assert.False(stopped.IsCompleted);

        // The refusal window, then the held request's batching delay: the accepted request is answered.
        time.Advance(TimeSpan.FromMinutes(1));
        var answer = await HttpInfer.ReadAsync(await held.WithTimeout());
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        await stopped.WaitAsync(TestTimeouts.Server);
    }

    private static async Task<HttpStatusCode> StatusAsync(TestServer server, string path)
    {
        using var response = await server.Http.GetAsync(path).WithTimeout();
        return response.StatusCode;
    }
}
