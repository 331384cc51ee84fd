using InferenceServer.Core.Inference;
using InferenceServer.Core.Scheduling;

namespace InferenceServer.OnnxRuntime;

/// <summary>
/// How an <see cref="OnnxModelInstance"/> hands its batches to ONNX Runtime, picked once when the instance is made:
/// on native values (<see cref="NativeValueRun"/>), through the managed session API (<see cref="ManagedSessionRun"/>),
/// or through an IoBinding over a GPU's buffers (<see cref="DeviceBoundRun"/>). Holds the instance's scratch state,
/// used by its one thread.
/// </summary>
internal interface IOnnxRun : IDisposable
{
    /// <summary>
    /// Runs the batch and answers each of its requests with its outputs. <paramref name="rows"/>: the requests' rows
    /// together; <paramref name="start"/>: the timestamp the execution began. ONNX Runtime refusing the inputs comes out
    /// as <see cref="Microsoft.ML.OnnxRuntime.OnnxRuntimeException"/> or <see cref="OrtRunException"/>.
    /// </summary>
    ExecutionTimings Run(ReadOnlySpan<InferenceRequest> batch, long rows, long start);

    /// <summary>Releases what the last <see cref="Run"/> held (values, pins, pooled buffers), whether it succeeded or not.</summary>
    void Reset();
}
