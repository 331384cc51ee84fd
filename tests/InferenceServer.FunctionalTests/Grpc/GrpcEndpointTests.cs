using Grpc.Core;
using Grpc.Health.V1;
using Inference;
using InferenceServer.FunctionalTests.Infrastructure;

namespace InferenceServer.FunctionalTests.Grpc;

/// <summary>The non-inference RPCs of <c>inference.GRPCInferenceService</c> and <c>grpc.health.v1.Health</c>.</summary>
[Collection(ServerCollection.Name)]
public sealed class GrpcEndpointTests(ServerFixture fixture)
{
    private readonly InferenceGrpcClient _grpc = fixture.Server.Grpc;

    [Fact]
    public async Task ServerLive_ServerUp_ReturnsTrue()
    {
        var response = await _grpc.ServerLiveAsync().WithTimeout();

        Assert.True(response.Live);
    }

    [Fact]
    public async Task ServerReady_AllModelsReady_ReturnsTrue()
    {
        var response = await _grpc.ServerReadyAsync().WithTimeout();

        Assert.True(response.Ready);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1")]
    public async Task ModelReady_ReadyModel_ReturnsTrue(string version)
    {
        var response = await _grpc.ModelReadyAsync("simple", version).WithTimeout();

        Assert.True(response.Ready);
    }

    [Fact]
    public async Task ModelReady_UnknownModel_ReturnsNotFound()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _grpc.ModelReadyAsync("no_such_model").WithTimeout());

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Contains("no_such_model", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerMetadata_Call_ReturnsExtensions()
    {
        var response = await _grpc.ServerMetadataAsync().WithTimeout();

        Assert.NotEmpty(response.Name);
        Assert.NotEmpty(response.Version);
        Assert.Contains("binary_tensor_data", response.Extensions);
        Assert.Contains("statistics", response.Extensions);
        Assert.Contains("model_configuration", response.Extensions);
    }

    [Fact]
    public async Task ModelMetadata_Simple_ReturnsBatchedShapes()
    {
        var response = await _grpc.ModelMetadataAsync("simple").WithTimeout();

        Assert.Equal("simple", response.Name);
        Assert.Equal(["1"], response.Versions);
        Assert.Equal("onnxruntime_onnx", response.Platform);
        Assert.Equal(["INPUT0", "INPUT1"], response.Inputs.Select(i => i.Name));
        Assert.Equal(["OUTPUT0", "OUTPUT1"], response.Outputs.Select(o => o.Name));
        Assert.All(response.Inputs.Concat(response.Outputs), t =>
        {
            Assert.Equal("INT32", t.Datatype);
            Assert.Equal([-1L, 16L], t.Shape);
        });
    }

    [Fact]
    public async Task ModelConfig_Simple_ReturnsParsedConfig()
    {
        var response = await _grpc.ModelConfigAsync("simple").WithTimeout();

        Assert.Equal("simple", response.Config.Name);
        Assert.Equal(8, response.Config.MaxBatchSize);
        Assert.Equal(["INPUT0", "INPUT1"], response.Config.Input.Select(i => i.Name));
        Assert.All(response.Config.Input, i =>
        {
            Assert.Equal(DataType.TypeInt32, i.DataType);
            Assert.Equal([16L], i.Dims);
        });
    }

    [Fact]
    public async Task ModelStatistics_AfterInference_CountsIncrease()
    {
        var before = Assert.Single((await _grpc.ModelStatisticsAsync("simple").WithTimeout()).ModelStats);

        await _grpc.ModelInferAsync(SimpleRequests.Grpc(batch: 3)).WithTimeout();
        var after = Assert.Single((await _grpc.ModelStatisticsAsync("simple", "1").WithTimeout()).ModelStats);

        Assert.Equal("simple", after.Name);
        Assert.Equal("1", after.Version);
        Assert.True(after.InferenceCount >= before.InferenceCount + 3);
        Assert.True(after.ExecutionCount >= before.ExecutionCount + 1);
        Assert.True(after.InferenceStats.Success.Count >= before.InferenceStats.Success.Count + 1);
        Assert.True(after.LastInference > 0);
        Assert.Equal(after.InferenceStats.ComputeInput.Count, after.InferenceStats.ComputeInfer.Count);
        Assert.Equal(after.InferenceStats.ComputeInput.Count, after.InferenceStats.ComputeOutput.Count);
        Assert.NotNull(after.InferenceStats.CacheHit);
        Assert.NotNull(after.InferenceStats.CacheMiss);
    }

    [Fact]
    public async Task ModelStatistics_NoVersion_ListsEveryServedVersion()
    {
        var response = await _grpc.ModelStatisticsAsync(TestRepositories.PolicyAll).WithTimeout();

        Assert.Equal(["1", "2", "3"], response.ModelStats.Select(s => s.Version));
    }

    [Fact]
    public async Task ModelStatistics_UnknownModel_ReturnsInvalidArgument()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _grpc.ModelStatisticsAsync("no_such_model").WithTimeout());

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("no_such_model", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RepositoryIndex_Call_ListsReadyVersions()
    {
        var response = await _grpc.RepositoryIndexAsync().WithTimeout();

        var simple = Assert.Single(response.Models, m => m.Name == "simple");
        Assert.Equal("1", simple.Version);
        Assert.Equal("READY", simple.State);
        Assert.Equal(["1", "3"], response.Models.Where(m => m.Name == TestRepositories.PolicySpecific).Select(m => m.Version));
    }

    [Fact]
    public async Task HealthCheck_ServerReady_ReturnsServing()
    {
        var response = await _grpc.HealthCheckAsync().WithTimeout();

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
    }

    [Fact]
    public async Task RepositoryModelLoad_ControlModeNone_ReturnsPermissionDenied()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _grpc.RepositoryModelLoadAsync("simple").WithTimeout());

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Contains("model control mode", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SystemSharedMemoryStatus_NothingRegistered_ReturnsNoRegions()
    {
        var status = await _grpc.SystemSharedMemoryStatusAsync().WithTimeout();

        Assert.Empty(status.Regions);
    }

    [Fact]
    public async Task CudaSharedMemoryRegister_ClientShmOff_ReturnsPermissionDenied()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _grpc.CudaSharedMemoryRegisterAsync(new CudaSharedMemoryRegisterRequest { Name = "region", ByteSize = 64 }).WithTimeout());

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Contains("--allow-client-shm", error.Status.Detail, StringComparison.Ordinal);
    }
}
