using InferenceServer.Core.Memory;
using InferenceServer.Cuda;
using Microsoft.ML.OnnxRuntime;

namespace InferenceServer.OnnxRuntime.Gpu;

/// <summary>
/// The machine's CUDA GPUs: one <see cref="DeviceMemoryPool"/> per GPU (<c>--cuda-memory-pool-byte-size</c>),
/// and per instance a stream that ONNX Runtime's CUDA execution provider runs on
/// (<c>user_compute_stream</c>, set by <see cref="OrtInstanceDevice"/>), as Triton gives each GPU instance its own stream.
/// </summary>
public sealed class CudaGpuPlatform : IGpuPlatform, IDisposable
{
    /// <summary>ONNX Runtime's name for its CUDA execution provider.</summary>
    public const string CudaProviderName = "CUDAExecutionProvider";

    private readonly CudaDriver _driver;
    private readonly DeviceMemoryPool[] _pools;

    /// <param name="poolByteSize">Byte budget of GPU <c>n</c>'s pool; GPUs missing from it get <see cref="DeviceMemoryPool.DefaultByteBudget"/>.</param>
    /// <param name="availableProviders">ONNX Runtime's execution providers (<see cref="OrtEnv.GetAvailableProviders"/>).</param>
    /// <param name="providerLibraries">Why the CUDA provider's libraries could not be loaded (<see cref="CudaProviderLibraries.MissingReason"/>), empty when they were.</param>
    public CudaGpuPlatform(CudaDriver driver, IReadOnlyDictionary<int, long> poolByteSize, IReadOnlyList<string> availableProviders, string providerLibraries, bool debug = false)
    {
        _driver = driver;
        _pools = new DeviceMemoryPool[driver.Devices.Count];
        for (var ordinal = 0; ordinal < _pools.Length; ordinal++)
        {
            _pools[ordinal] = new DeviceMemoryPool(
                new CudaDeviceAllocator(driver.PrimaryContext(ordinal)),
                poolByteSize.TryGetValue(ordinal, out var bytes) ? bytes : DeviceMemoryPool.DefaultByteBudget,
                debug);
        }

        UnavailableReason = Unavailability(availableProviders, providerLibraries);
    }

    /// <summary>Why <c>KIND_GPU</c> cannot run on a machine whose driver works: no CUDA provider in this ONNX Runtime, or its libraries missing.</summary>
    internal static string Unavailability(IReadOnlyList<string> availableProviders, string providerLibraries) =>
        !availableProviders.Contains(CudaProviderName)
            ? $"this server's ONNX Runtime has no CUDA execution provider (it has {string.Join(", ", availableProviders)}); "
              + "the GPU build (dotnet publish -p:OnnxRuntimeFlavor=gpu, or docker build --build-arg FLAVOR=gpu) carries one"
            : providerLibraries.Length > 0 ? $"ONNX Runtime's CUDA provider cannot load: {providerLibraries}" : string.Empty;

    public string UnavailableReason { get; }

    public int DeviceCount => _pools.Length;

    /// <summary>GPU <paramref name="ordinal"/>'s device-memory pool.</summary>
    public DeviceMemoryPool Pool(int ordinal) => _pools[ordinal];

    public IInstanceDevice CreateInstanceDevice(int ordinal) => new CudaInstanceDevice(_driver.PrimaryContext(ordinal), _pools[ordinal]);

    public void Dispose()
    {
        foreach (var pool in _pools)
        {
            pool.Dispose();
        }
    }
}
