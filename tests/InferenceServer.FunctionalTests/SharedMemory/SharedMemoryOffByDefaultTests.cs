using System.Net;
using Grpc.Core;
using Inference;
using InferenceServer.FunctionalTests.Infrastructure;

namespace InferenceServer.FunctionalTests.SharedMemory;

/// <summary>
/// The shared server, started without <c>--allow-client-shm</c>. Invariants: registering and unregistering are refused
/// (403 / PERMISSION_DENIED) saying how to turn the feature on; a request naming a region is told that none is
/// registered and why; status answers an empty list.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class SharedMemoryOffByDefaultTests(ServerFixture fixture)
{
    private readonly TestServer _server = fixture.Server;

    [Fact]
    public async Task Register_Off_RefusedOverHttpAndGrpcSayingHowToEnable()
    {
        using var shm = new ShmObject(64);
        using (var response = await ShmRequests.PostRegisterAsync(_server.Http, "r", $$"""{"key":"{{shm.Key}}","byte_size":64}""").WithTimeout())
        {
            var message = await HttpInfer.AssertErrorAsync(response, HttpStatusCode.Forbidden);
            Assert.Contains("--allow-client-shm=true", message, StringComparison.Ordinal);
        }

        var error = await Assert.ThrowsAsync<RpcException>(() => _server.Grpc.SystemSharedMemoryRegisterAsync(
            new SystemSharedMemoryRegisterRequest { Name = "r", Key = shm.Key, ByteSize = 64 }).WithTimeout());
        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Contains("--allow-client-shm", error.Status.Detail, StringComparison.Ordinal);

        error = await Assert.ThrowsAsync<RpcException>(() => _server.Grpc.SystemSharedMemoryUnregisterAsync().WithTimeout());
        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Empty((await _server.Grpc.SystemSharedMemoryStatusAsync().WithTimeout()).Regions);
    }

    [Fact]
    public async Task Infer_NamingARegion_NotFoundSayingSharedMemoryIsOff()
    {
        using var response = await HttpInfer.PostAsync(_server.Http, "simple", HttpInfer.Json(ShmRequests.Body("r", "r"))).WithTimeout();

        var message = await HttpInfer.AssertErrorAsync(response, HttpStatusCode.NotFound);
        Assert.Contains("'r'", message, StringComparison.Ordinal);
        Assert.Contains("--allow-client-shm", message, StringComparison.Ordinal);
    }
}
