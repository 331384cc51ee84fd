using System.Net;
using Grpc.Core;
using Inference;
using InferenceServer.FunctionalTests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace InferenceServer.FunctionalTests.Batching;

/// <summary>The server over <see cref="BatchingRepositories.WriteQueuePolicies"/> on a fake clock the tests move.</summary>
public sealed class FakeClockServerFixture : TestServerFixture
{
    public FakeTimeProvider Time { get; } = new();

    private protected override Task<TestServer> StartAsync() => TestServer.StartAsync(BatchingRepositories.WriteQueuePolicies, time: Time);
}

/// <summary>
/// Overload behaviour of the queue policies, end to end. The batching delay is a second on a clock that
/// only the test moves, so requests stay queued until the test says otherwise. Invariants: a full queue
/// rejects at once with HTTP 503 / gRPC UNAVAILABLE saying so, and the queued requests still succeed; a
/// queue timeout rejects with 503 / UNAVAILABLE saying so, at the configured time or at the lower time a
/// request asks for.
/// </summary>
public sealed class QueuePolicyTests(FakeClockServerFixture fixture) : IClassFixture<FakeClockServerFixture>
{
    private readonly TestServer _server = fixture.Server;
    private readonly FakeTimeProvider _time = fixture.Time;

    [Fact]
    public async Task FullQueue_RejectsOverHttpAndGrpc_AndQueuedRequestsStillSucceed()
    {
        const string Model = BatchingRepositories.SmallQueue;
        var queued = Enumerable.Range(0, BatchingRepositories.SmallQueueSize)
            .Select(i => HttpInfer.PostAsync(_server.Http, Model, SimpleRequests.Json(batch: 1, seed: i)))
            .ToArray();
        await _server.WaitForQueuedAsync(Model, BatchingRepositories.SmallQueueSize);

        using (var rejected = await HttpInfer.PostAsync(_server.Http, Model, SimpleRequests.Json(batch: 1)))
        {
            var message = await HttpInfer.AssertErrorAsync(rejected, HttpStatusCode.ServiceUnavailable);
            Assert.Contains("queue is full", message, StringComparison.Ordinal);
        }

        var grpcError = await Assert.ThrowsAsync<RpcException>(() => _server.Grpc.ModelInferAsync(SimpleRequests.Grpc(batch: 1, model: Model)));
        Assert.Equal(StatusCode.Unavailable, grpcError.StatusCode);
        Assert.Contains("queue is full", grpcError.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(BatchingRepositories.SmallQueueSize, _server.Model(Model).PendingRequestCount);

        _time.Advance(TimeSpan.FromSeconds(1));

        for (var i = 0; i < queued.Length; i++)
        {
            using var response = await queued[i].WithTimeout();
            var result = await HttpInfer.ReadAsync(response);
            Assert.Equal(HttpStatusCode.OK, result.Status);
            Assert.Equal(SimpleRequests.Sum(SimpleRequests.Input0(1, i), SimpleRequests.Input1(1, i)), result.Int32Data("OUTPUT0"));
        }
    }

    [Fact]
    public async Task QueueTimeout_RejectsWhenItExpires_AndARequestMayLowerIt()
    {
        const string Model = BatchingRepositories.QueueTimeout;

        var pending = HttpInfer.PostAsync(_server.Http, Model, SimpleRequests.Json(batch: 1));
        await _server.WaitForQueuedAsync(Model, 1);
        _time.Advance(TimeSpan.FromMilliseconds(500));
        using (var response = await pending.WithTimeout())
        {
            var message = await HttpInfer.AssertErrorAsync(response, HttpStatusCode.ServiceUnavailable);
            Assert.Contains("timed out", message, StringComparison.Ordinal);
        }

        var request = SimpleRequests.Grpc(batch: 1, model: Model);
        request.Parameters["timeout"] = new InferParameter { Int64Param = 100_000 };
        var call = _server.Grpc.ModelInferAsync(request);
        await _server.WaitForQueuedAsync(Model, 1);
        _time.Advance(TimeSpan.FromMilliseconds(100));
        var error = await Assert.ThrowsAsync<RpcException>(() => call);
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains("timed out", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(0, _server.Model(Model).PendingRequestCount);
    }
}
