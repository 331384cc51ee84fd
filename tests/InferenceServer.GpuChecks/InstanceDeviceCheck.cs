using InferenceServer.Core.Memory;
using InferenceServer.Cuda;
using InferenceServer.OnnxRuntime.Gpu;
using Microsoft.ML.OnnxRuntime;

namespace InferenceServer.GpuChecks;

/// <summary>
/// The server's own GPU instance device (<see cref="CudaGpuPlatform"/>'s <see cref="IInstanceDevice"/>) on
/// the GPU, as a KIND_GPU instance uses it around a run: a device buffer from the GPU's pool, the copy in
/// on the instance's stream, the marks, the copy out, and the stage times from its events. Also records
/// what ONNX Runtime says when asked for its CUDA provider, since the server's load error depends on it.
/// </summary>
internal static unsafe class InstanceDeviceCheck
{
    private const int Bytes = 16 << 20;

    public static void Run(CudaDriver driver, CheckReport report)
    {
        var providers = OrtEnv.Instance().GetAvailableProviders();
        // As the server does at start-up: the provider's libraries from CUDA_LIBRARY_PATH (folders, ':'-separated).
        var libraries = providers.Contains(CudaGpuPlatform.CudaProviderName)
            ? CudaProviderLibraries.PrepareBesideOnnxRuntime(Environment.GetEnvironmentVariable("CUDA_LIBRARY_PATH") ?? "")
            : null;
        using var platform = new CudaGpuPlatform(driver, new Dictionary<int, long>(), providers, libraries?.MissingReason ?? "");
        report.Info($"ONNX Runtime providers here: {string.Join(", ", providers)}; KIND_GPU: {(platform.UnavailableReason.Length == 0 ? "available" : platform.UnavailableReason)}");
        if (libraries is { MissingReason.Length: 0 })
        {
            report.Info($"CUDA provider libraries: {string.Join(", ", libraries.Loaded)}");
        }
        var pinned = new PinnedBufferPool(byteBudget: 64L << 20, allocator: new PageLockedHostAllocator(driver.PrimaryContext(0)));
        bool intact;
        Core.Scheduling.ExecutionTimings timings;
        using (var device = platform.CreateInstanceDevice(0))
        using (var source = pinned.Rent(Bytes))
        using (var destination = pinned.Rent(Bytes))
        {
            new Random(53).NextBytes(source.Span);
            destination.Span.Clear();
            device.Mark(ExecutionStage.Start);
            using (var buffer = device.Rent(Bytes))
            {
                device.CopyToDevice(buffer, source.Pointer, Bytes);
                device.Mark(ExecutionStage.InputsCopied);
                device.Mark(ExecutionStage.Inferred);
                device.CopyToHost(destination.Pointer, buffer, Bytes);
                device.Mark(ExecutionStage.OutputsCopied);
                timings = device.Complete();
            }

            intact = source.Span.SequenceEqual(destination.Span);
        }

        var pool = platform.Pool(0);
        report.Result("instance_device", ("copy_in_us", timings.InputNanoseconds / 1e3), ("copy_out_us", timings.OutputNanoseconds / 1e3), ("between_us", timings.InferNanoseconds / 1e3));
        report.Check(
            "instance device: stream copies, event timing, pool lease",
            intact && timings.InputNanoseconds > 0 && timings.OutputNanoseconds > 0 && pool.OutstandingCount == 0 && pool.AllocatedBytes >= Bytes,
            $"bytes intact: {intact}; 16 MiB in {timings.InputNanoseconds / 1e3:0} µs, out {timings.OutputNanoseconds / 1e3:0} µs by the stream's events; device pool holds {pool.AllocatedBytes >> 20} MiB, {pool.OutstandingCount} outstanding");
        pinned.Dispose();

        if (platform.UnavailableReason.Length > 0)
        {
            using var options = new SessionOptions();
            using var device = platform.CreateInstanceDevice(0);
            try
            {
                OrtInstanceDevice.AddExecutionProvider(options, device);
                report.Info("ONNX Runtime accepted the CUDA provider options although it does not list the provider");
            }
            catch (OnnxRuntimeException ex)
            {
                report.Info($"ONNX Runtime without the CUDA provider, asked for it: {ex.Message}");
            }
        }
    }
}
