using System.Net;
using System.Text.Json.Nodes;
using Grpc.Core;
using Inference;
using InferenceServer.FunctionalTests.Infrastructure;

namespace InferenceServer.FunctionalTests.SharedMemory;

/// <summary>
/// Every way a tensor can name shared memory wrongly, over HTTP and gRPC. Invariants: each is refused before the model
/// runs, with a client status (400 / INVALID_ARGUMENT, 404 / NOT_FOUND for a region that is not registered) and a
/// message naming the tensor and the client's region only; an output larger than its region fails the request
/// (500 / INTERNAL, as Triton) without writing past it; nothing is left held afterwards.
/// </summary>
public sealed class SharedMemoryBadRequestTests : IClassFixture<SharedMemoryServerFixture>, IAsyncLifetime
{
    private const int RegionBytes = 2 * ShmRequests.RowBytes;

    private readonly TestServer _server;
    private readonly ShmObject _shm = new(RegionBytes + 64);
    private readonly string _region;

    public SharedMemoryBadRequestTests(SharedMemoryServerFixture fixture)
    {
        _server = fixture.Server;
        _region = $"bad-{_shm.Name}";
    }

    public Task InitializeAsync() => ShmRequests.RegisterAsync(_server.Http, _region, _shm.Key, RegionBytes);

    public async Task DisposeAsync()
    {
        await _server.AfterStepsSettledAsync();
        Assert.Equal(1, _server.SharedMemory.Find(_region)!.Holders);
        await ShmRequests.UnregisterAsync(_server.Http, _region);
        _shm.Dispose();
    }

    public static TheoryData<long, long, string> OutOfBounds() => new()
    {
        { RegionBytes, ShmRequests.RowBytes, "fall outside" },
        { ShmRequests.RowBytes + 1, ShmRequests.RowBytes, "fall outside" },
        { long.MaxValue, ShmRequests.RowBytes, "fall outside" },
        { long.MaxValue - 8, ShmRequests.RowBytes, "fall outside" },
    };

    [Theory]
    [MemberData(nameof(OutOfBounds))]
    public async Task Http_InputOutsideRegion_Returns400(long offset, long byteSize, string fragment)
    {
        var body = new JsonObject { ["inputs"] = new JsonArray(ShmRequests.Input("INPUT0", _region, offset, byteSize), ShmRequests.Input("INPUT1", _region, 0)) };

        var message = await InferErrorAsync(body, HttpStatusCode.BadRequest);

        Assert.Contains("input 'INPUT0'", message, StringComparison.Ordinal);
        Assert.Contains(fragment, message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(OutOfBounds))]
    public async Task Grpc_OutputOutsideRegion_ReturnsInvalidArgument(long offset, long byteSize, string fragment)
    {
        var request = ShmRequests.Grpc(_region, _region);
        ShmRequests.SetParameters(request.Outputs[1].Parameters, _region, offset, byteSize);

        var error = await Assert.ThrowsAsync<RpcException>(() => _server.Grpc.ModelInferAsync(request).WithTimeout());

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("output 'OUTPUT1'", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains(fragment, error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http_InputByteSizeNotTheTensors_Returns400()
    {
        var body = new JsonObject { ["inputs"] = new JsonArray(ShmRequests.Input("INPUT0", _region, 0, ShmRequests.RowBytes - 4), ShmRequests.Input("INPUT1", _region, 0)) };

        var message = await InferErrorAsync(body, HttpStatusCode.BadRequest);

        Assert.Contains("input byte size mismatch for input 'INPUT0'", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http_UnregisteredRegion_Returns404NamingIt()
    {
        var body = ShmRequests.Body("no-such-region", _region);

        var message = await InferErrorAsync(body, HttpStatusCode.NotFound);

        Assert.Contains("'no-such-region'", message, StringComparison.Ordinal);
        Assert.DoesNotContain("/dev/shm", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Grpc_UnregisteredRegion_ReturnsNotFound()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _server.Grpc.ModelInferAsync(ShmRequests.Grpc("no-such-region", _region)).WithTimeout());

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Contains("'no-such-region'", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Grpc_NegativeOffset_ReturnsInvalidArgument()
    {
        var request = ShmRequests.Grpc(_region, _region);
        request.Inputs[0].Parameters["shared_memory_offset"] = new InferParameter { Int64Param = -64 };

        var error = await Assert.ThrowsAsync<RpcException>(() => _server.Grpc.ModelInferAsync(request).WithTimeout());

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("shared_memory_offset", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Grpc_InputInRegionAndRawContents_ReturnsInvalidArgument()
    {
        var request = ShmRequests.Grpc(_region, _region);
        request.Inputs[0].Contents = new InferTensorContents();
        request.Inputs[0].Contents.IntContents.Add(new int[SimpleRequests.Width]);

        var error = await Assert.ThrowsAsync<RpcException>(() => _server.Grpc.ModelInferAsync(request).WithTimeout());

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("must not carry data", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http_OutputLargerThanItsSpace_Returns500AndWritesNothing()
    {
        _shm.Write(0, Enumerable.Repeat((byte)0xFF, RegionBytes).ToArray());
        var body = ShmRequests.Body(_region, _region);
        body["outputs"] = new JsonArray(ShmRequests.Output("OUTPUT0", _region, ShmRequests.RowBytes, ShmRequests.RowBytes - 1));

        var message = await InferErrorAsync(body, HttpStatusCode.InternalServerError);

        Assert.Contains("output 'OUTPUT0'", message, StringComparison.Ordinal);
        Assert.All(_shm.Read(ShmRequests.RowBytes, ShmRequests.RowBytes), b => Assert.Equal(0xFF, b));
    }

    [Fact]
    public async Task Http_ClassificationOfSharedMemoryOutput_Returns400()
    {
        var body = ShmRequests.Body(_region, _region);
        var output = ShmRequests.Output("OUTPUT0", _region, 0);
        output["parameters"]!["classification"] = 1;
        body["outputs"] = new JsonArray(output);

        var message = await InferErrorAsync(body, HttpStatusCode.BadRequest);

        Assert.Contains("both classified and written to shared memory", message, StringComparison.Ordinal);
    }

    private async Task<string> InferErrorAsync(JsonObject body, HttpStatusCode status)
    {
        using var response = await HttpInfer.PostAsync(_server.Http, "simple", HttpInfer.Json(body)).WithTimeout();
        return await HttpInfer.AssertErrorAsync(response, status);
    }
}
