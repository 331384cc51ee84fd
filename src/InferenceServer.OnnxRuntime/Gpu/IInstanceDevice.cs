using InferenceServer.Core.Memory;
using InferenceServer.Core.Scheduling;

namespace InferenceServer.OnnxRuntime.Gpu;

/// <summary>
/// One <c>KIND_GPU</c> instance's view of its GPU: its own stream (so instances on one GPU overlap), the
/// GPU's device-memory pool, asynchronous copies between the pinned pool and device buffers on that
/// stream, and timing points recorded on the stream. Used by one instance thread at a time.
/// </summary>
public interface IInstanceDevice : IDisposable
{
    int Ordinal { get; }

    /// <summary>
    /// Whether the device buffers are ordinary host memory (<see cref="HostStandInGpuPlatform"/>): a runtime then
    /// runs on the CPU over them, with no GPU provider and no stream.
    /// </summary>
    bool IsHostMemory { get; }

    /// <summary>A lease on device memory from the GPU's pool.</summary>
    DeviceBuffer Rent(int bytes);

    /// <summary>Queues a copy of <paramref name="bytes"/> from pinned host memory into <paramref name="destination"/>.</summary>
    void CopyToDevice(DeviceBuffer destination, nint source, int bytes);

    /// <summary>Queues a copy of <paramref name="bytes"/> from <paramref name="source"/> into pinned host memory.</summary>
    void CopyToHost(nint destination, DeviceBuffer source, int bytes);

    /// <summary>Records a timing point on the stream: before the input copies, after them, after the run, after the output copies.</summary>
    void Mark(ExecutionStage stage);

    /// <summary>Waits until everything queued has run, then returns the time between the marks (all four recorded).</summary>
    ExecutionTimings Complete();

    /// <summary>Waits until everything queued has run (after a failure, before buffers go back to their pools).</summary>
    void WaitForStream();

    /// <summary>The stream handle ONNX Runtime runs on (<c>user_compute_stream</c>); 0 where there is none.</summary>
    nint StreamHandle { get; }
}
