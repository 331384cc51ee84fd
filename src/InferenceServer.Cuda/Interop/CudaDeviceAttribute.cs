namespace InferenceServer.Cuda.Interop;

/// <summary>The <c>CUdevice_attribute</c> values the server reads (numbers from <c>cuda.h</c>).</summary>
internal enum CudaDeviceAttribute
{
    MultiprocessorCount = 16,
    PciBusId = 33,
    PciDeviceId = 34,
    AsyncEngineCount = 40,
    ComputeCapabilityMajor = 75,
    ComputeCapabilityMinor = 76,
}
