using InferenceServer.Core.Memory;
using InferenceServer.Core.Scheduling;
using InferenceServer.Cuda;

namespace InferenceServer.OnnxRuntime.Gpu;

/// <summary>A GPU instance's stream, its timing events and its GPU's pool (see <see cref="IInstanceDevice"/>).</summary>
internal sealed unsafe class CudaInstanceDevice : IInstanceDevice
{
    private readonly CudaStream _stream;
    private readonly CudaEvent[] _marks;
    private readonly DeviceMemoryPool _pool;

    public CudaInstanceDevice(CudaContext context, DeviceMemoryPool pool)
    {
        _pool = pool;
        Ordinal = context.DeviceOrdinal;
        _stream = context.CreateStream();
        _marks = [context.CreateEvent(), context.CreateEvent(), context.CreateEvent(), context.CreateEvent()];
    }

    public int Ordinal { get; }

    public bool IsHostMemory => false;

    public nint StreamHandle => _stream.Handle;

    public DeviceBuffer Rent(int bytes) => _pool.Rent(bytes);

    public void CopyToDevice(DeviceBuffer destination, nint source, int bytes) =>
        _stream.CopyHostToDevice((ulong)destination.Address, (void*)source, (nuint)bytes);

    public void CopyToHost(nint destination, DeviceBuffer source, int bytes) =>
        _stream.CopyDeviceToHost((void*)destination, (ulong)source.Address, (nuint)bytes);

    public void Mark(ExecutionStage stage) => _marks[(int)stage].Record(_stream);

    public ExecutionTimings Complete()
    {
        _marks[(int)ExecutionStage.OutputsCopied].Synchronize();
        return new ExecutionTimings(
            Nanoseconds(ExecutionStage.Start, ExecutionStage.InputsCopied),
            Nanoseconds(ExecutionStage.InputsCopied, ExecutionStage.Inferred),
            Nanoseconds(ExecutionStage.Inferred, ExecutionStage.OutputsCopied));
    }

    public void WaitForStream() => _stream.Synchronize();

    public void Dispose()
    {
        foreach (var mark in _marks)
        {
            mark.Dispose();
        }

        _stream.Dispose();
    }

    private long Nanoseconds(ExecutionStage from, ExecutionStage to) =>
        (long)(CudaEvent.ElapsedMilliseconds(_marks[(int)from], _marks[(int)to]) * 1e6);
}
