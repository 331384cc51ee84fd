using System.Diagnostics;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Logging;
using InferenceServer.Core.Memory;
using InferenceServer.Core.Models;
using InferenceServer.Core.Scheduling;
using InferenceServer.Cuda;
using InferenceServer.OnnxRuntime.Gpu;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace InferenceServer.OnnxRuntime;

/// <summary>
/// One ONNX Runtime session serving batches on its scheduler's dedicated thread, through the run path picked when
/// it is made (<see cref="IOnnxRun"/>):
/// <list type="bullet">
/// <item>a GPU instance (<c>KIND_GPU</c>, an <see cref="IInstanceDevice"/>) binds device buffers (<see cref="DeviceBoundRun"/>);</item>
/// <item>a CPU instance whose tensors are all numeric, with outputs of known size, runs on native values alone
/// (<see cref="NativeValueRun"/>): no managed <see cref="OrtValue"/> per tensor and execution;</item>
/// <item>any other CPU instance runs on managed values (<see cref="ManagedSessionRun"/>): BYTES tensors need the
/// managed API's string tensors, outputs of unknown size ONNX Runtime's own allocation.</item>
/// </list>
/// Every path reads a single request's inputs in place and gathers a batch's into one pooled pinned buffer per
/// input; each request of a batch answers from its slice of the batch's output buffers (shared, reference-counted).
/// All scratch state is per instance and reused, because an instance runs one batch at a time.
/// </summary>
internal sealed partial class OnnxModelInstance : IModelInstance
{
    private readonly InferenceSession _session;
    private readonly IOnnxRun _run;
    private readonly IInstanceDevice? _device;
    private readonly SessionOptions? _ownOptions;
    private readonly ILogger _logger;

    /// <param name="logger">Where a batch the model refused is reported (at debug level: the callers get the reason).</param>
    /// <param name="device">The instance's GPU, stream and pool; null for a CPU instance.</param>
    /// <param name="ownOptions">Session options made for this instance alone (a GPU instance's name its stream), disposed with it.</param>
    public OnnxModelInstance(string name, InferenceSession session, ModelSignature signature, PinnedBufferPool pool, ILogger logger, IInstanceDevice? device = null, SessionOptions? ownOptions = null)
    {
        Name = name;
        _logger = logger;
        _session = session;
        _device = device;
        _ownOptions = ownOptions;
        _run = device is not null ? new DeviceBoundRun(session, signature, pool, device)
            : NativeValueRun.CanRun(signature) ? new NativeValueRun(session, signature, pool)
            : new ManagedSessionRun(session, signature, pool);
    }

    /// <summary>The GPU this instance runs on, or -1 on the CPU.</summary>
    public int DeviceOrdinal => _device?.Ordinal ?? -1;

    public string Name { get; }

    /// <summary>The run path this instance took (for the load's log line).</summary>
    public string RunPath => _run.GetType().Name;

    public ExecutionTimings Execute(ReadOnlySpan<InferenceRequest> batch)
    {
        var start = Stopwatch.GetTimestamp();
        long rows = 0;
        foreach (var request in batch)
        {
            rows += request.BatchSize;
        }

        try
        {
            return _run.Run(batch, rows, start);
        }
        catch (Exception ex) when (_device is not null && (ex is CudaException || (ex is OnnxRuntimeException && DeviceFaults.IsDeviceFailure(ex.Message))))
        {
            // The GPU failed (out of memory, a CUDA error): the server's fault, named for the callers and the operator.
            // The batch's device buffers go back in Reset; a failure CUDA keeps for the context fails the next batch too.
            LogDeviceFailure(batch[0].Version?.Name ?? "", Name, _device.Ordinal, rows, ex.Message);
            foreach (var request in batch)
            {
                request.SetError(InferenceError.Internal($"model '{request.Version?.Name}' instance '{Name}' on GPU {_device.Ordinal} failed: {ex.Message}"));
            }

            return default;
        }
        catch (Exception ex) when (ex is OnnxRuntimeException or OrtRunException)
        {
            // The requests passed the config's checks but the model itself refused them (e.g. a -1
            // dimension the graph cannot take): the callers' input is at fault, not the server.
            LogRunRefused(batch[0].Version?.Name ?? "", Name, rows, ex.Message);
            foreach (var request in batch)
            {
                request.SetError(InferenceError.InvalidArgument($"model '{request.Version?.Name}' rejected the request: {ex.Message}"));
            }

            return default;
        }
        finally
        {
            _run.Reset();
        }
    }

    public void Dispose()
    {
        _run.Dispose();
        _session.Dispose();
        _device?.Dispose();
        _ownOptions?.Dispose();
    }

    [LoggerMessage(EventId = EventIds.OnnxDeviceFailure, Level = LogLevel.Warning, Message = "model '{Model}' instance '{Instance}' on GPU {Device} failed a batch of {Rows} row(s): {Reason}")]
    private partial void LogDeviceFailure(string model, string instance, int device, long rows, string reason);

    [LoggerMessage(EventId = EventIds.OnnxRunRefused, Level = LogLevel.Debug, Message = "model '{Model}' instance '{Instance}' refused a batch of {Rows} row(s): {Reason}")]
    private partial void LogRunRefused(string model, string instance, long rows, string reason);
}
