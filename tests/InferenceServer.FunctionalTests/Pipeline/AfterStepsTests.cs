using System.Net;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Inference.Pipeline;
using InferenceServer.Core.Models;
using InferenceServer.FunctionalTests.Infrastructure;

namespace InferenceServer.FunctionalTests.Pipeline;

/// <summary>
/// The pipeline's after-steps (input profile, traffic outcome, shadow offer, request hooks) never sit inside the
/// caller's latency, on any protocol. Invariant: with an after-step held closed, every caller still gets its answer;
/// once it opens, every held request finishes its after-steps and the pipeline settles.
/// </summary>
public sealed class AfterStepsTests
{
    /// <summary>An after-step that waits until the test opens it, counting the requests it saw.</summary>
    private sealed class GateHook : IAnsweredRequestHook
    {
        private readonly ManualResetEventSlim _open = new();
        private int _seen;

        public int Seen => Volatile.Read(ref _seen);

        public void Open() => _open.Set();

        public void OnAnswered(ModelVersion version, InferenceRequest request, RequestOutcome outcome)
        {
            Interlocked.Increment(ref _seen);
            _open.Wait(TestTimeouts.Request);
        }
    }

    [Fact]
    public async Task AfterStepHeldClosed_HttpGrpcAndStreamCallersStillAnswered()
    {
        var gate = new GateHook();
        await using var server = await TestServer.StartAsync(TestRepositories.WriteSimple, hooks: [gate]);

        using var http = await HttpInfer.PostAsync(server.Http, "simple", SimpleRequests.Json(batch: 1));
        Assert.Equal(HttpStatusCode.OK, http.StatusCode);
        var unary = await server.Grpc.ModelInferAsync(SimpleRequests.Grpc(batch: 1)).WithTimeout();
        Assert.Equal(2, unary.RawOutputContents.Count);
        using (var stream = server.Grpc.ModelStreamInfer())
        {
            await stream.RequestStream.WriteAsync(SimpleRequests.Grpc(batch: 1)).WithTimeout();
            Assert.True(await stream.ResponseStream.MoveNext(CancellationToken.None).WithTimeout());
            Assert.Equal("", stream.ResponseStream.Current.ErrorMessage);
            await stream.RequestStream.CompleteAsync().WithTimeout();
        }

        // Every answer arrived while the after-steps were held: none of them waited for it.
        Assert.True(server.AfterStepsPending >= 1, "no after-step was held");
        gate.Open();
        await server.AfterStepsSettledAsync();
        Assert.Equal(3, gate.Seen);
        Assert.Equal(0, server.AfterStepsPending);
    }
}
