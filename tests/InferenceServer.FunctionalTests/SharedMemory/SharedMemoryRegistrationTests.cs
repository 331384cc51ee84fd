using System.Net;
using Grpc.Core;
using Inference;
using InferenceServer.FunctionalTests.Infrastructure;

namespace InferenceServer.FunctionalTests.SharedMemory;

/// <summary>
/// Registering regions with <c>--allow-client-shm</c> on. Invariants: a key must name one POSIX shared-memory object
/// under /dev/shm (no further slash, no '..', no symbolic link, a regular non-empty file that covers offset + byte_size);
/// a name is registered once; registration needs the control token when the server has one; CUDA regions are refused
/// with the reason on a server without a GPU. Refusals never echo a path.
/// </summary>
public sealed class SharedMemoryRegistrationTests(SharedMemoryServerFixture fixture) : IClassFixture<SharedMemoryServerFixture>
{
    private readonly TestServer _server = fixture.Server;

    [Theory]
    [InlineData("/", "empty")]
    [InlineData("", "empty")]
    [InlineData("/a/b", "'/'")]
    [InlineData("/../etc/passwd", "'/'")]
    [InlineData("/..", "'..'")]
    [InlineData("/.", "'.'")]
    [InlineData("/tab\tname", "control characters")]
    public async Task Register_KeyNotAnObjectName_Returns400(string key, string fragment)
    {
        var message = await RegisterErrorAsync("bad-key", $$"""{"key":{{System.Text.Json.JsonSerializer.Serialize(key)}},"byte_size":64}""", HttpStatusCode.BadRequest);

        Assert.Contains("POSIX shared memory object", message, StringComparison.Ordinal);
        Assert.Contains(fragment, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Register_MissingObject_Returns400WithoutThePath()
    {
        var message = await RegisterErrorAsync("missing", """{"key":"/inference-server-test-no-such-object","byte_size":64}""", HttpStatusCode.BadRequest);

        Assert.Contains("'missing'", message, StringComparison.Ordinal);
        Assert.Contains("no object has that key", message, StringComparison.Ordinal);
        Assert.DoesNotContain("/dev/shm", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Register_SymbolicLink_Returns400()
    {
        var target = Path.GetTempFileName();
        File.WriteAllBytes(target, new byte[128]);
        var link = $"inference-server-test-{Guid.NewGuid():N}";
        File.CreateSymbolicLink("/dev/shm/" + link, target);
        try
        {
            var message = await RegisterErrorAsync("link", $$"""{"key":"/{{link}}","byte_size":64}""", HttpStatusCode.BadRequest);

            Assert.Contains("symbolic link", message, StringComparison.Ordinal);
            Assert.DoesNotContain(target, message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete("/dev/shm/" + link);
            File.Delete(target);
        }
    }

    [Fact]
    public async Task Register_Directory_Returns400()
    {
        var folder = $"inference-server-test-{Guid.NewGuid():N}";
        Directory.CreateDirectory("/dev/shm/" + folder);
        try
        {
            await RegisterErrorAsync("folder", $$"""{"key":"/{{folder}}","byte_size":64}""", HttpStatusCode.BadRequest);
        }
        finally
        {
            Directory.Delete("/dev/shm/" + folder);
        }
    }

    [Theory]
    [InlineData(0, 0, "byte_size")]
    [InlineData(0, 129, "does not fit")]
    [InlineData(64, 65, "does not fit")]
    [InlineData(129, 1, "does not fit")]
    [InlineData(ulong.MaxValue - 1, 2, "offset")]
    [InlineData(1, ulong.MaxValue, "byte_size")]
    public async Task Register_RegionBeyondObject_Returns400(ulong offset, ulong byteSize, string fragment)
    {
        using var shm = new ShmObject(128);

        var message = await RegisterErrorAsync("beyond", $$"""{"key":"{{shm.Key}}","offset":{{offset}},"byte_size":{{byteSize}}}""", HttpStatusCode.BadRequest);

        Assert.Contains(fragment, message, StringComparison.Ordinal);
        Assert.Null(_server.SharedMemory.Find("beyond"));
    }

    [Fact]
    public async Task Register_EmptyObject_Returns400()
    {
        using var shm = new ShmObject(0);

        var message = await RegisterErrorAsync("empty", $$"""{"key":"{{shm.Key}}","byte_size":1}""", HttpStatusCode.BadRequest);

        Assert.Contains("empty", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Register_NameTwice_SecondRefusedOverHttpAndGrpc()
    {
        using var shm = new ShmObject(64);
        var name = $"twice-{shm.Name}";
        await ShmRequests.RegisterAsync(_server.Http, name, shm.Key, 64);
        try
        {
            var message = await RegisterErrorAsync(name, $$"""{"key":"{{shm.Key}}","byte_size":64}""", HttpStatusCode.BadRequest);
            Assert.Contains("already registered", message, StringComparison.Ordinal);

            var error = await Assert.ThrowsAsync<RpcException>(() => _server.Grpc.SystemSharedMemoryRegisterAsync(
                new SystemSharedMemoryRegisterRequest { Name = name, Key = shm.Key, ByteSize = 64 }).WithTimeout());
            Assert.Equal(StatusCode.AlreadyExists, error.StatusCode);
        }
        finally
        {
            await ShmRequests.UnregisterAsync(_server.Http, name);
        }
    }

    [Fact]
    public async Task RegisterAndUnregister_WithoutControlToken_Refused401OverHttpAndGrpc()
    {
        using var shm = new ShmObject(64);
        using var anonymous = _server.CreateHttpClient(bearerToken: null);

        using (var response = await ShmRequests.PostRegisterAsync(anonymous, "anonymous", $$"""{"key":"{{shm.Key}}","byte_size":64}""").WithTimeout())
        {
            var message = await HttpInfer.AssertErrorAsync(response, HttpStatusCode.Unauthorized);
            Assert.Contains("register or unregister shared memory", message, StringComparison.Ordinal);
        }

        using (var response = await anonymous.PostAsync("v2/systemsharedmemory/unregister", null).WithTimeout())
        {
            await HttpInfer.AssertErrorAsync(response, HttpStatusCode.Unauthorized);
        }

        var grpc = new InferenceGrpcClient(_server.Channel);
        var error = await Assert.ThrowsAsync<RpcException>(() => grpc.SystemSharedMemoryRegisterAsync(
            new SystemSharedMemoryRegisterRequest { Name = "anonymous", Key = shm.Key, ByteSize = 64 }).WithTimeout());
        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Null(_server.SharedMemory.Find("anonymous"));

        // Reading the status stays open, as other reads are.
        Assert.DoesNotContain("anonymous", (await grpc.SystemSharedMemoryStatusAsync().WithTimeout()).Regions.Keys);
    }

    [Fact]
    public async Task CudaRegister_NoGpu_RefusedWithTheReasonOverHttpAndGrpc()
    {
        var handle = Convert.ToBase64String(new byte[64]);
        using (var response = await _server.Http.PostAsync("v2/cudasharedmemory/region/gpu/register",
            HttpInfer.Json($$"""{"raw_handle":{"b64":"{{handle}}"},"device_id":0,"byte_size":64}""")).WithTimeout())
        {
            var message = await HttpInfer.AssertErrorAsync(response, HttpStatusCode.BadRequest);
            Assert.Equal("CUDA shared memory needs a GPU; this server has none", message);
        }

        var error = await Assert.ThrowsAsync<RpcException>(() => _server.Grpc.CudaSharedMemoryRegisterAsync(new CudaSharedMemoryRegisterRequest
        {
            Name = "gpu",
            RawHandle = Google.Protobuf.ByteString.CopyFrom(new byte[64]),
            DeviceId = 0,
            ByteSize = 64,
        }).WithTimeout());
        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains("needs a GPU", error.Status.Detail, StringComparison.Ordinal);
        Assert.Empty((await _server.Grpc.CudaSharedMemoryStatusAsync().WithTimeout()).Regions);
    }

    [Theory]
    [InlineData("GET", "v2/systemsharedmemory/region/r/register", HttpStatusCode.MethodNotAllowed)]
    [InlineData("POST", "v2/systemsharedmemory/status", HttpStatusCode.MethodNotAllowed)]
    [InlineData("GET", "v2/systemsharedmemory/region//status", HttpStatusCode.NotFound)]
    [InlineData("GET", "v2/systemsharedmemory/region/r/other", HttpStatusCode.NotFound)]
    [InlineData("POST", "v2/systemsharedmemory/register", HttpStatusCode.BadRequest)]
    public async Task Routes_WrongMethodOrPath_AnsweredAsTriton(string method, string path, HttpStatusCode status)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = HttpInfer.Json("""{"key":"/r","byte_size":1}""") };
        using var response = await _server.Http.SendAsync(request).WithTimeout();

        await HttpInfer.AssertErrorAsync(response, status);
    }

    private async Task<string> RegisterErrorAsync(string region, string body, HttpStatusCode status)
    {
        using var response = await ShmRequests.PostRegisterAsync(_server.Http, region, body).WithTimeout();
        return await HttpInfer.AssertErrorAsync(response, status);
    }
}
