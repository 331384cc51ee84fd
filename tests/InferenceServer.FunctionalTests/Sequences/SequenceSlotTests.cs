using System.Net;
using Grpc.Core;
using InferenceServer.FunctionalTests.Infrastructure;

namespace InferenceServer.FunctionalTests.Sequences;

/// <summary>
/// A sequence model with a single slot and five seconds of idle time, on a fake clock the tests move. Invariants: a
/// sequence that starts while the slot is held waits; an idle sequence is ended after the idle time and its slot goes to
/// the waiting one, whose later request for the ended sequence is refused as not live; a waiting sequence whose slot
/// never frees within the idle time is refused with 503 / UNAVAILABLE naming it. Each test ends its sequences.
/// </summary>
public sealed class SequenceSlotTests(SequenceServerFixture fixture) : IClassFixture<SequenceServerFixture>
{
    private const string Model = SequenceRepositories.OneSlot;
    private readonly TestServer _server = fixture.Server;
    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider _time = fixture.Time;

    [Fact]
    public async Task IdleSequence_IsEndedAfterTheIdleTime_AndItsSlotGoesToTheWaitingStart()
    {
        await SequenceRequests.PostAsync(_server, Model, 1UL, 5, start: true);
        var waiting = SequenceRequests.PostAsync(_server, Model, 2UL, 7, start: true);
        await _server.WaitForQueuedAsync(Model, 1);
        Assert.Equal(1, _server.Model(Model).Sequences!.BacklogCount);

        _time.Advance(SequenceRepositories.OneSlotIdle);

        Assert.Equal(7, (await waiting.WithTimeout()).Int32Data("OUTPUT").Single());
        using (var ended = await HttpInfer.PostAsync(_server.Http, Model, HttpInfer.Json(SequenceRequests.JsonBody(1UL, 1))))
        {
            var message = await HttpInfer.AssertErrorAsync(ended, HttpStatusCode.BadRequest);
            Assert.Contains($"sequence 1 for model '{Model}' is not live", message, StringComparison.Ordinal);
        }

        Assert.Equal(8, (await SequenceRequests.PostAsync(_server, Model, 2UL, 1, end: true)).Int32Data("OUTPUT").Single());
        Assert.True(_server.Model(Model).Sequences!.IdleEndedCount >= 1);
    }

    [Fact]
    public async Task WaitingStart_SlotInUseForTheWholeWait_RefusedUnavailableNamingTheSequence()
    {
        await SequenceRequests.PostAsync(_server, Model, 10UL, 1, start: true);
        var waiting = _server.Grpc.ModelInferAsync(SequenceRequests.Grpc(Model, "late", 1, start: true));
        await _server.WaitForQueuedAsync(Model, 1);

        // The holder keeps using its slot: it never idles for the whole wait.
        _time.Advance(SequenceRepositories.OneSlotIdle - TimeSpan.FromSeconds(1));
        Assert.Equal(3, (await SequenceRequests.PostAsync(_server, Model, 10UL, 2)).Int32Data("OUTPUT").Single());
        _time.Advance(TimeSpan.FromSeconds(1));

        var error = await Assert.ThrowsAsync<RpcException>(() => waiting.WithTimeout());
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains($"sequence \"late\" for model '{Model}' waited", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("all 1 slots are held", error.Status.Detail, StringComparison.Ordinal);

        Assert.Equal(6, (await SequenceRequests.PostAsync(_server, Model, 10UL, 3, end: true)).Int32Data("OUTPUT").Single());
        Assert.Equal(0, _server.Model(Model).Sequences!.LiveCount);
    }
}
