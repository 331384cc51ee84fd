using InferenceServer.Core.Memory;
using InferenceServer.Cuda;
using InferenceServer.OnnxRuntime.Gpu;
using Microsoft.ML.OnnxRuntime;

namespace InferenceServer.Hosting;

/// <summary>
/// What the server found of the machine's GPUs at start-up, and what follows from it: where
/// <c>KIND_GPU</c> instances go, which memory the pinned pool hands out (page-locked when a GPU is
/// there, so batches reach it by DMA), and what the GPU metrics read.
/// </summary>
internal sealed class GpuSetup : IDisposable
{
    private GpuSetup(CudaDriver? driver, string reason, IGpuPlatform platform, IHostMemoryAllocator hostAllocator, NvmlLibrary? nvml, CudaProviderLibraries? providerLibraries = null)
    {
        ProviderLibraries = providerLibraries;
        Driver = driver;
        Reason = reason;
        Platform = platform;
        HostAllocator = hostAllocator;
        Nvml = nvml;
    }

    /// <summary>The CUDA driver, null when there is no usable GPU.</summary>
    public CudaDriver? Driver { get; }

    /// <summary>Why there is no GPU (empty when there is one).</summary>
    public string Reason { get; }

    public IGpuPlatform Platform { get; }

    public IHostMemoryAllocator HostAllocator { get; }

    /// <summary>For the utilisation metric; null where NVML is missing.</summary>
    public NvmlLibrary? Nvml { get; }

    public IReadOnlyList<CudaDeviceInfo> Devices => Driver?.Devices ?? [];

    /// <summary>What was loaded for ONNX Runtime's CUDA provider, or why not; null where it has none or there is no GPU.</summary>
    public CudaProviderLibraries? ProviderLibraries { get; }

    public static GpuSetup Discover(ServerOptions options)
    {
        if (!options.UseGpus)
        {
            const string Off = "--gpus=false";
            return new GpuSetup(null, Off, new UnavailableGpuPlatform(Off), AlignedHostAllocator.Instance, null);
        }

        if (!CudaDriver.TryLoad(out var driver, out var reason))
        {
            return new GpuSetup(null, reason, new UnavailableGpuPlatform(reason), AlignedHostAllocator.Instance, null);
        }

        try
        {
            var providers = OrtEnv.Instance().GetAvailableProviders();
            var libraries = providers.Contains(CudaGpuPlatform.CudaProviderName) ? CudaProviderLibraries.PrepareBesideOnnxRuntime(options.CudaLibraryPath) : null;
            var platform = new CudaGpuPlatform(driver, options.CudaMemoryPoolByteSize, providers, libraries?.MissingReason ?? string.Empty, options.PinnedMemoryPoolDebug);
            NvmlLibrary.TryLoad(out var nvml, out _);
            return new GpuSetup(driver, string.Empty, platform, new PageLockedHostAllocator(driver.PrimaryContext(0)), nvml, libraries);
        }
        catch (CudaException ex)
        {
            // A GPU the driver lists but that cannot give this process a context (exclusive-process mode taken,
            // out of memory, fallen off the bus) must not keep the server from serving on the CPU.
            var unusable = $"the GPUs were found but could not be used: {ex.Message}";
            return new GpuSetup(null, unusable, new UnavailableGpuPlatform(unusable), AlignedHostAllocator.Instance, null);
        }
    }

    public void Dispose() => (Platform as IDisposable)?.Dispose();
}
