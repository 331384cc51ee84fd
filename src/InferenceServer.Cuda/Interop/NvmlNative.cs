using System.Runtime.InteropServices;

namespace InferenceServer.Cuda.Interop;

/// <summary>
/// The NVIDIA Management Library calls behind the GPU utilisation metric (<c>nvml.h</c>), bound at run
/// time like <see cref="CudaDriverNative"/>: only called after <see cref="NvmlLibrary.TryLoad"/> found
/// <c>libnvidia-ml.so.1</c>. Every call returns an nvmlReturn_t (0 = success).
/// </summary>
internal static unsafe partial class NvmlNative
{
    public const string Library = "libnvidia-ml.so.1";

    [LibraryImport(Library)]
    public static partial int nvmlInit_v2();

    [LibraryImport(Library)]
    public static partial int nvmlShutdown();

    [LibraryImport(Library)]
    public static partial byte* nvmlErrorString(int result);

    [LibraryImport(Library)]
    public static partial int nvmlDeviceGetHandleByPciBusId_v2(byte* busId, nint* device);

    [LibraryImport(Library)]
    public static partial int nvmlDeviceGetUtilizationRates(nint device, NvmlUtilization* utilization);

    /// <summary><c>nvmlUtilization_t</c>: percent of the last sample period the GPU and its memory were busy.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct NvmlUtilization
    {
        public uint Gpu;
        public uint Memory;
    }
}
