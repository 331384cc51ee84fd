using InferenceServer.Core.Inference;
using InferenceServer.Core.Memory;
using InferenceServer.Core.Models;
using InferenceServer.Core.Models.Config;
using InferenceServer.Core.Models.Repository;
using InferenceServer.Core.Tensors;
using InferenceServer.Cuda;
using InferenceServer.ModelBuilder.Samples;
using InferenceServer.OnnxRuntime.Gpu;
using InferenceServer.OnnxRuntime.Tests.Infrastructure;

namespace InferenceServer.OnnxRuntime.Tests;

/// <summary>
/// How KIND_GPU models fail, on the host stand-in GPU with the driver's failures injected where the driver gives them:
/// the load fails naming the library or the CUDA error and frees what it made, while other models load; a failed
/// run fails that batch's requests as a server error naming the CUDA error, and the instance serves the next batch.
/// </summary>
public sealed class GpuFailureTests : IDisposable
{
    private const string OnGpu = "instance_group [ { kind: KIND_GPU, count: 3 } ]";

    private readonly TempRepository _repository = new();
    private readonly PinnedBufferPool _pool = new(debug: true);
    private readonly PinnedBufferPool _inputs = new(debug: true);

    [Fact]
    public void Load_ProviderLibraryMissing_FailsNamingTheLibrary_AndCpuModelsStillLoad()
    {
        var reason = CudaGpuPlatform.Unavailability(
            ["CUDAExecutionProvider", "CPUExecutionProvider"],
            "libcublasLt.so.13 (needed by libonnxruntime_providers_cuda.so) was not found in --cuda-library-path (none given)");
        using var gpus = new FaultingGpuPlatform(unavailableReason: reason);
        var backend = new OnnxRuntimeBackend(_pool, gpus);

        var error = Assert.Throws<ModelLoadException>(() => Load(backend, "on_gpu", OnGpu).Dispose());
        using var cpu = Load(backend, "on_cpu", "instance_group [ { kind: KIND_CPU, count: 1 } ]");

        Assert.Contains("asks for KIND_GPU, but ONNX Runtime's CUDA provider cannot load: libcublasLt.so.13 (needed by libonnxruntime_providers_cuda.so)", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, gpus.Created);
        Assert.Single(cpu.Instances);
    }

    [Fact]
    public void Unavailability_WithoutTheCudaProvider_SaysWhichBuildCarriesIt()
    {
        var reason = CudaGpuPlatform.Unavailability(["CPUExecutionProvider"], string.Empty);

        Assert.StartsWith("this server's ONNX Runtime has no CUDA execution provider (it has CPUExecutionProvider)", reason, StringComparison.Ordinal);
        Assert.Contains("-p:OnnxRuntimeFlavor=gpu", reason, StringComparison.Ordinal);
        Assert.Equal(string.Empty, CudaGpuPlatform.Unavailability(["CUDAExecutionProvider"], string.Empty));
    }

    [Fact]
    public void Load_DeviceOutOfMemoryForTheThirdInstance_FailsNamingIt_AndDisposesTheFirstTwo()
    {
        using var gpus = new FaultingGpuPlatform(failCreationAt: 3);
        var backend = new OnnxRuntimeBackend(_pool, gpus);

        var error = Assert.Throws<ModelLoadException>(() => Load(backend, "on_gpu", OnGpu).Dispose());

        Assert.Equal(
            "model 'on_gpu': GPU 0 could not make instance 'on_gpu_0_2_gpu0': cuStreamCreate failed: CUDA_ERROR_OUT_OF_MEMORY (out of memory)",
            error.Message);
        Assert.Equal((3, 2), (gpus.Created, gpus.Disposed));
        Assert.Equal(0, gpus.Pool.RentedBytes);
        Assert.Equal(0, _pool.OutstandingCount);

        // The GPU is not left unusable: the next load gets its instances.
        using var next = Load(backend, "on_gpu_again", "instance_group [ { kind: KIND_GPU, count: 1 } ]");
        Assert.Single(next.Instances);
    }

    [Fact]
    public async Task Run_CudaErrorInACopy_FailsThatBatchAsAServerErrorNamingIt_ThenTheInstanceServesTheNextOne()
    {
        using var gpus = new FaultingGpuPlatform();
        _repository.Add("simple", SampleModels.Simple(), "instance_group [ { kind: KIND_GPU, count: 1 } ]");
        var loader = new ModelRepositoryLoader(new ModelRepository(_repository.Root), [new OnnxRuntimeBackend(_pool, gpus)], TimeProvider.System);
        var entry = loader.Load("simple");
        var model = entry.Latest ?? throw new InvalidOperationException(entry.UnavailableReason);
        try
        {
            var fails = model.Statistics.Fail.Count;
            gpus.FailNextCopy = new CudaException("cuMemcpyHtoDAsync_v2", 700, "CUDA_ERROR_ILLEGAL_ADDRESS", "an illegal memory access was encountered");

            var failed = await InferSimple(model);

            Assert.Equal(InferenceErrorCode.Internal, failed.Error.Code);
            Assert.Equal(
                "model 'simple' instance 'simple_0_0_gpu0' on GPU 0 failed: cuMemcpyHtoDAsync_v2 failed: CUDA_ERROR_ILLEGAL_ADDRESS (an illegal memory access was encountered)",
                failed.Error.Message);
            Assert.Equal(fails + 1, model.Statistics.Fail.Count);
            failed.TryReset();

            var served = await InferSimple(model);
            Assert.False(served.Error.IsError, served.Error.Message);
            Assert.Equal(2, served.Outputs.Length);
            served.TryReset();
            Assert.Equal(0, gpus.Pool.RentedBytes);
        }
        finally
        {
            model.Dispose();
        }
    }

    [Theory]
    [InlineData("[ErrorCode:Fail] CUDA failure 2: out of memory ; GPU=0 ; hostname=h ; file=cuda_allocator.cc ; line=47 ; expr=cudaMalloc((void**)&p, size);", true)]
    [InlineData("[ErrorCode:Fail] CUBLAS failure 13: CUBLAS_STATUS_EXECUTION_FAILED ; GPU=0 ; hostname=h ; file=gemm.cc ; line=10 ; expr=cublasGemmHelper(...);", true)]
    [InlineData("[ErrorCode:Fail] CUDNN failure 4000: CUDNN_STATUS_INTERNAL_ERROR ; GPU=0 ; hostname=h ; file=conv.cc ; line=3 ; expr=cudnnFind(...);", true)]
    [InlineData("[ErrorCode:RuntimeException] BFCArena::AllocateRawInternal Failed to allocate memory for requested buffer of size 4294967296", true)]
    [InlineData("[ErrorCode:InvalidArgument] Got invalid dimensions for input: x for the following indices index: 1 Got: 3 Expected: 4", false)]
    [InlineData("[ErrorCode:RuntimeException] Non-zero status code returned while running Reshape node. Name:'r' Status Message: cannot reshape", false)]
    public void IsDeviceFailure_TellsTheGpusFaultFromARefusedRequest(string message, bool device) =>
        Assert.Equal(device, DeviceFaults.IsDeviceFailure(message));

    private IModelRuntime Load(OnnxRuntimeBackend backend, string name, string configText)
    {
        _repository.Add(name, SampleModels.Simple(), configText);
        var config = ProtoTextParser.ParseModelConfig(configText, "config.pbtxt");
        config.Name = name;
        return backend.Load(new ModelLoadRequest(name, 1, _repository.ModelDirectory(name), _repository.VersionDirectory(name), config));
    }

    private async Task<InferenceRequest> InferSimple(ModelVersion model)
    {
        var request = new InferenceRequest();
        foreach (var name in (string[])["INPUT0", "INPUT1"])
        {
            var buffer = _inputs.Rent(16 * sizeof(int));
            buffer.Span.Clear();
            request.Own(buffer);
            InferenceRequest.SetInputData(request.AddInput(name, DataType.Int32, TensorShape.Create([1, 16]), spec: null), buffer.Memory);
        }

        await model.InferAsync(request).WithTimeout();
        return request;
    }

    public void Dispose()
    {
        Assert.Equal(0, _inputs.OutstandingCount);
        _inputs.Dispose();
        _pool.Dispose();
        _repository.Dispose();
    }
}
