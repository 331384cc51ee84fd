using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using System.Text;
using InferenceServer.Cuda.Interop;

namespace InferenceServer.Cuda;

/// <summary>
/// NVIDIA's management library, for what the CUDA driver cannot say: how busy a GPU is. Optional: where
/// <c>libnvidia-ml.so.1</c> is missing (some containers mount only libcuda) the utilisation metric is
/// simply not exported.
/// </summary>
public sealed unsafe class NvmlLibrary
{
    private static readonly Lock LoadGate = new();
    private static NvmlLibrary? _loaded;
    private static string? _failure;

    private NvmlLibrary()
    {
    }

    /// <summary>Loads and initialises NVML once per process; false, with the reason, when it cannot.</summary>
    public static bool TryLoad([NotNullWhen(true)] out NvmlLibrary? library, out string reason)
    {
        lock (LoadGate)
        {
            if (_loaded is null && _failure is null)
            {
                if (!NativeLibrary.TryLoad(NvmlNative.Library, out var handle))
                {
                    _failure = $"NVML ({NvmlNative.Library}) was not found";
                }
                else if (!NativeLibrary.TryGetExport(handle, "nvmlInit_v2", out _))
                {
                    _failure = $"{NvmlNative.Library} does not export nvmlInit_v2";
                }
                else
                {
                    var result = NvmlNative.nvmlInit_v2();
                    if (result == 0)
                    {
                        _loaded = new NvmlLibrary();
                    }
                    else
                    {
                        _failure = $"nvmlInit_v2 failed: {ErrorText(result)}";
                    }
                }
            }

            library = _loaded;
            reason = _failure ?? string.Empty;
            return library is not null;
        }
    }

    /// <summary>Percent of the last sample period (1/6 s to 1 s, by GPU) a kernel ran, and the memory was read or written.</summary>
    public bool TryGetUtilization(string pciBusId, out uint gpuPercent, out uint memoryPercent)
    {
        gpuPercent = memoryPercent = 0;
        var busId = Encoding.ASCII.GetBytes(pciBusId + "\0");
        nint device;
        NvmlNative.NvmlUtilization utilization;
        fixed (byte* text = busId)
        {
            if (NvmlNative.nvmlDeviceGetHandleByPciBusId_v2(text, &device) != 0)
            {
                return false;
            }
        }

        if (NvmlNative.nvmlDeviceGetUtilizationRates(device, &utilization) != 0)
        {
            return false;
        }

        gpuPercent = utilization.Gpu;
        memoryPercent = utilization.Memory;
        return true;
    }

    private static string ErrorText(int result)
    {
        var text = NvmlNative.nvmlErrorString(result);
        return text is null ? $"nvmlReturn_t {result}" : Marshal.PtrToStringUTF8((nint)text) ?? $"nvmlReturn_t {result}";
    }
}
