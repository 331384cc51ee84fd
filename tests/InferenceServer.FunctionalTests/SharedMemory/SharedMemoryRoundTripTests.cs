using System.Net;
using System.Text.Json.Nodes;
using Inference;
using InferenceServer.FunctionalTests.Infrastructure;

namespace InferenceServer.FunctionalTests.SharedMemory;

/// <summary>
/// Inputs read from and outputs written into client shared memory, over HTTP and gRPC. Invariants: the model sees the
/// bytes at the region's offset plus the tensor's offset (the registration's offset counts); outputs land at their
/// offsets and nowhere else; the response carries the output's name, datatype, shape and region parameters but no data
/// (gRPC: an empty raw entry); regions are listed by status and gone after unregister.
/// </summary>
public sealed class SharedMemoryRoundTripTests(SharedMemoryServerFixture fixture) : IClassFixture<SharedMemoryServerFixture>
{
    // The input region starts 16 bytes into its object, so an offset computed from the object's start would read the wrong bytes.
    private const int InputRegionOffset = 16;

    private readonly TestServer _server = fixture.Server;

    [Fact]
    public async Task Http_InputsAndOutputsInRegions_OutputsWrittenAndResponseCarriesNoData()
    {
        using var inputs = Inputs(seed: 3, out var expectedSum, out var expectedDifference);
        using var outputs = new ShmObject(2 * ShmRequests.RowBytes);
        var (inName, outName) = ($"in-{inputs.Name}", $"out-{outputs.Name}");
        await ShmRequests.RegisterAsync(_server.Http, inName, inputs.Key, 2 * ShmRequests.RowBytes, InputRegionOffset);
        await ShmRequests.RegisterAsync(_server.Http, outName, outputs.Key, 2 * ShmRequests.RowBytes);
        try
        {
            using var response = await HttpInfer.PostAsync(_server.Http, "simple", HttpInfer.Json(ShmRequests.Body(inName, outName))).WithTimeout();
            var result = await HttpInfer.ReadAsync(response);

            Assert.Equal(HttpStatusCode.OK, result.Status);
            Assert.Null(HttpInfer.HeaderLength(response));
            var output1 = result.Output("OUTPUT1");
            Assert.Null(output1["data"]);
            Assert.Equal("INT32", output1["datatype"]!.GetValue<string>());
            Assert.Equal([1L, 16L], output1["shape"]!.AsArray().Select(d => d!.GetValue<long>()));
            Assert.Equal(outName, output1["parameters"]!["shared_memory_region"]!.GetValue<string>());
            Assert.Equal(ShmRequests.RowBytes, output1["parameters"]!["shared_memory_offset"]!.GetValue<long>());
            Assert.Equal(ShmRequests.RowBytes, output1["parameters"]!["shared_memory_byte_size"]!.GetValue<long>());
            Assert.Equal(expectedSum, ShmRequests.Ints(outputs.Read(0, ShmRequests.RowBytes)));
            Assert.Equal(expectedDifference, ShmRequests.Ints(outputs.Read(ShmRequests.RowBytes, ShmRequests.RowBytes)));
        }
        finally
        {
            await ShmRequests.UnregisterAsync(_server.Http, inName);
            await ShmRequests.UnregisterAsync(_server.Http, outName);
        }
    }

    [Fact]
    public async Task Grpc_InputsAndOutputsInRegions_OutputsWrittenAndRawEntriesEmpty()
    {
        using var inputs = Inputs(seed: 7, out var expectedSum, out var expectedDifference);
        using var outputs = new ShmObject(2 * ShmRequests.RowBytes);
        var (inName, outName) = ($"in-{inputs.Name}", $"out-{outputs.Name}");
        await _server.Grpc.SystemSharedMemoryRegisterAsync(new SystemSharedMemoryRegisterRequest
        {
            Name = inName,
            Key = inputs.Key,
            Offset = InputRegionOffset,
            ByteSize = 2 * ShmRequests.RowBytes,
        }).WithTimeout();
        await _server.Grpc.SystemSharedMemoryRegisterAsync(new SystemSharedMemoryRegisterRequest
        {
            Name = outName,
            Key = outputs.Key,
            ByteSize = 2 * ShmRequests.RowBytes,
        }).WithTimeout();
        try
        {
            var response = await _server.Grpc.ModelInferAsync(ShmRequests.Grpc(inName, outName)).WithTimeout();

            Assert.Equal(2, response.RawOutputContents.Count);
            Assert.All(response.RawOutputContents, raw => Assert.True(raw.IsEmpty));
            var output0 = response.Outputs.Single(o => o.Name == "OUTPUT0");
            Assert.Equal([1L, 16L], output0.Shape);
            Assert.Equal(outName, output0.Parameters["shared_memory_region"].StringParam);
            Assert.Equal(ShmRequests.RowBytes, output0.Parameters["shared_memory_byte_size"].Int64Param);
            Assert.Equal(expectedSum, ShmRequests.Ints(outputs.Read(0, ShmRequests.RowBytes)));
            Assert.Equal(expectedDifference, ShmRequests.Ints(outputs.Read(ShmRequests.RowBytes, ShmRequests.RowBytes)));
        }
        finally
        {
            await _server.Grpc.SystemSharedMemoryUnregisterAsync(inName).WithTimeout();
            await _server.Grpc.SystemSharedMemoryUnregisterAsync(outName).WithTimeout();
        }
    }

    [Fact]
    public async Task Http_InputsInRegionOutputsInResponse_AnswersTheData()
    {
        using var inputs = Inputs(seed: 11, out var expectedSum, out _);
        var inName = $"in-{inputs.Name}";
        await ShmRequests.RegisterAsync(_server.Http, inName, inputs.Key, 2 * ShmRequests.RowBytes, InputRegionOffset);
        try
        {
            var body = new JsonObject
            {
                ["inputs"] = new JsonArray(ShmRequests.Input("INPUT0", inName, 0), ShmRequests.Input("INPUT1", inName, ShmRequests.RowBytes)),
            };
            using var response = await HttpInfer.PostAsync(_server.Http, "simple", HttpInfer.Json(body)).WithTimeout();
            var result = await HttpInfer.ReadAsync(response);

            Assert.Equal(HttpStatusCode.OK, result.Status);
            Assert.Equal(expectedSum, result.Int32Data("OUTPUT0"));
        }
        finally
        {
            await ShmRequests.UnregisterAsync(_server.Http, inName);
        }
    }

    [Fact]
    public async Task Status_ListsRegisteredRegions_OverHttpAndGrpc_AndNoneAfterUnregister()
    {
        using var shm = new ShmObject(256);
        var name = $"status-{shm.Name}";
        await ShmRequests.RegisterAsync(_server.Http, name, shm.Key, 128, offset: 64);

        using (var response = await _server.Http.GetAsync($"v2/systemsharedmemory/region/{name}/status").WithTimeout())
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var regions = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray();
            var region = Assert.Single(regions)!;
            Assert.Equal(name, region["name"]!.GetValue<string>());
            Assert.Equal(shm.Key, region["key"]!.GetValue<string>());
            Assert.Equal(64, region["offset"]!.GetValue<long>());
            Assert.Equal(128, region["byte_size"]!.GetValue<long>());
        }

        var status = await _server.Grpc.SystemSharedMemoryStatusAsync(name).WithTimeout();
        Assert.Equal(128UL, status.Regions[name].ByteSize);

        await ShmRequests.UnregisterAsync(_server.Http, name);

        using (var response = await _server.Http.GetAsync($"v2/systemsharedmemory/region/{name}/status").WithTimeout())
        {
            var message = await HttpInfer.AssertErrorAsync(response, HttpStatusCode.NotFound);
            Assert.Contains(name, message, StringComparison.Ordinal);
        }

        var error = await Assert.ThrowsAsync<global::Grpc.Core.RpcException>(() => _server.Grpc.SystemSharedMemoryStatusAsync(name).WithTimeout());
        Assert.Equal(global::Grpc.Core.StatusCode.NotFound, error.StatusCode);
        Assert.Null(_server.SharedMemory.Find(name));
    }

    [Fact]
    public async Task UnregisterWithoutRegion_UnregistersEverySystemRegion()
    {
        using var shm = new ShmObject(64);
        await ShmRequests.RegisterAsync(_server.Http, $"a-{shm.Name}", shm.Key, 64);
        await ShmRequests.RegisterAsync(_server.Http, $"b-{shm.Name}", shm.Key, 32);

        using var response = await _server.Http.PostAsync("v2/systemsharedmemory/unregister", null).WithTimeout();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty((await _server.Grpc.SystemSharedMemoryStatusAsync().WithTimeout()).Regions);
    }

    private static ShmObject Inputs(int seed, out int[] sum, out int[] difference)
    {
        var input0 = SimpleRequests.Input0(1, seed);
        var input1 = SimpleRequests.Input1(1, seed);
        sum = SimpleRequests.Sum(input0, input1);
        difference = SimpleRequests.Difference(input0, input1);
        var shm = new ShmObject(InputRegionOffset + (2 * ShmRequests.RowBytes));
        shm.Write(InputRegionOffset, TensorCase.Pack(input0));
        shm.Write(InputRegionOffset + ShmRequests.RowBytes, TensorCase.Pack(input1));
        return shm;
    }
}
