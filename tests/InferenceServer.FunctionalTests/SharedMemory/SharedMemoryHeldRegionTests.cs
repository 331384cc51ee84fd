using System.Net;
using InferenceServer.FunctionalTests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace InferenceServer.FunctionalTests.SharedMemory;

/// <summary>
/// A region unregistered while a request holds it. The model batches behind a one-second delay on a clock only the test
/// moves, so the request is in flight for as long as the test wants. Invariants: unregistering answers at once and the
/// name is free again; the held region stays mapped (the request still reads its inputs and writes its outputs there);
/// once the request is answered the last holder unmaps it.
/// </summary>
public sealed class SharedMemoryHeldRegionTests(SharedMemoryServerFixture fixture) : IClassFixture<SharedMemoryServerFixture>
{
    private readonly TestServer _server = fixture.Server;
    private readonly FakeTimeProvider _time = fixture.Time;

    [Fact]
    public async Task UnregisterWhileHeld_RequestStillCompletes_AndRegionUnmappedAfterwards()
    {
        using var shm = new ShmObject(4 * ShmRequests.RowBytes);
        var input0 = SimpleRequests.Input0(1, 5);
        var input1 = SimpleRequests.Input1(1, 5);
        shm.Write(0, TensorCase.Pack(input0));
        shm.Write(ShmRequests.RowBytes, TensorCase.Pack(input1));
        var name = $"held-{shm.Name}";
        await ShmRequests.RegisterAsync(_server.Http, name, shm.Key, 4 * ShmRequests.RowBytes);
        var region = _server.SharedMemory.Find(name)!;

        var body = ShmRequests.Body(name, name);
        body["outputs"] = new System.Text.Json.Nodes.JsonArray(
            ShmRequests.Output("OUTPUT0", name, 2 * ShmRequests.RowBytes), ShmRequests.Output("OUTPUT1", name, 3 * ShmRequests.RowBytes));
        var pending = HttpInfer.PostAsync(_server.Http, SharedMemoryRepositories.Held, HttpInfer.Json(body));
        await _server.WaitForQueuedAsync(SharedMemoryRepositories.Held, 1);

        // Registration, two inputs and two outputs hold it.
        Assert.Equal(5, region.Holders);
        await ShmRequests.UnregisterAsync(_server.Http, name);
        Assert.Null(_server.SharedMemory.Find(name));
        Assert.True(region.IsMapped);
        Assert.Equal(4, region.Holders);

        _time.Advance(TimeSpan.FromSeconds(1));
        using var response = await pending.WithTimeout();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await _server.AfterStepsSettledAsync();

        Assert.Equal(SimpleRequests.Sum(input0, input1), ShmRequests.Ints(shm.Read(2 * ShmRequests.RowBytes, ShmRequests.RowBytes)));
        Assert.Equal(SimpleRequests.Difference(input0, input1), ShmRequests.Ints(shm.Read(3 * ShmRequests.RowBytes, ShmRequests.RowBytes)));
        Assert.Equal(0, region.Holders);
        Assert.False(region.IsMapped);
    }
}
