using System.Globalization;
using Microsoft.ML.OnnxRuntime;

namespace InferenceServer.OnnxRuntime.Gpu;

/// <summary>
/// ONNX Runtime's side of an <see cref="IInstanceDevice"/>: the CUDA execution provider that runs a session on the
/// device's GPU and stream, and the memory info of the values made over its buffers. A host stand-in
/// (<see cref="IInstanceDevice.IsHostMemory"/>) needs neither: the CPU provider reads and writes its buffers directly.
/// </summary>
internal static class OrtInstanceDevice
{
    /// <summary>Makes sessions created with <paramref name="options"/> run on <paramref name="device"/>'s GPU and stream.</summary>
    public static void AddExecutionProvider(SessionOptions options, IInstanceDevice device)
    {
        if (device.IsHostMemory)
        {
            return;
        }

        using var cuda = new OrtCUDAProviderOptions();
        cuda.UpdateOptions(new Dictionary<string, string>
        {
            ["device_id"] = device.Ordinal.ToString(CultureInfo.InvariantCulture),
            // ONNX Runtime parses the stream's address from text and runs every kernel of the session on it,
            // after our input copies and before our output copies, with no extra synchronisation.
            ["user_compute_stream"] = device.StreamHandle.ToString(CultureInfo.InvariantCulture),
            ["has_user_compute_stream"] = "1",
        });
        options.AppendExecutionProvider_CUDA(cuda);
    }

    /// <summary>Where <paramref name="device"/>'s buffers live, for the values bound over them; give it back with <see cref="DisposeMemoryInfo"/>.</summary>
    public static OrtMemoryInfo CreateMemoryInfo(IInstanceDevice device) => device.IsHostMemory
        ? OrtMemoryInfo.DefaultInstance
        : new OrtMemoryInfo("Cuda", OrtAllocatorType.DeviceAllocator, device.Ordinal, OrtMemType.Default);

    public static void DisposeMemoryInfo(OrtMemoryInfo info)
    {
        // The process-wide CPU memory info is ONNX Runtime's, not ours.
        if (!ReferenceEquals(info, OrtMemoryInfo.DefaultInstance))
        {
            info.Dispose();
        }
    }
}
