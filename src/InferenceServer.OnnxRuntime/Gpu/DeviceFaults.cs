using System.Text.RegularExpressions;

namespace InferenceServer.OnnxRuntime.Gpu;

/// <summary>
/// Tells a GPU's failure from a request ONNX Runtime refused. Both reach an instance as an ONNX Runtime error, but a
/// refused request is the caller's fault (400) while a CUDA, cuBLAS or cuDNN failure or an exhausted device arena is the
/// server's (500): it must not be blamed on the input, and it counts against a canary.
/// </summary>
internal static partial class DeviceFaults
{
    /// <summary>Whether <paramref name="message"/> (an ONNX Runtime error from a GPU instance's run) reports a device failure.</summary>
    /// <remarks>
    /// The CUDA provider words every failed library call as "&lt;library&gt; failure &lt;code&gt;: &lt;text&gt; ; GPU=…"
    /// (its <c>CudaCall</c>), and its arena's exhaustion as "Failed to allocate memory for requested buffer of size …".
    /// </remarks>
    public static bool IsDeviceFailure(string message) =>
        LibraryFailure().IsMatch(message) || message.Contains("Failed to allocate memory for requested buffer", StringComparison.Ordinal);

    [GeneratedRegex(@"\b(CUDA|CUBLAS|CUBLASLT|CUDNN|CUDNN_FE|CURAND|CUFFT|NCCL) failure -?\d+:")]
    private static partial Regex LibraryFailure();
}
