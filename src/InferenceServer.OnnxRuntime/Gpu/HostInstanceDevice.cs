using System.Diagnostics;
using InferenceServer.Core.Memory;
using InferenceServer.Core.Models;
using InferenceServer.Core.Scheduling;

namespace InferenceServer.OnnxRuntime.Gpu;

/// <summary>An instance device of <see cref="HostStandInGpuPlatform"/>: synchronous copies, wall-clock marks.</summary>
internal sealed unsafe class HostInstanceDevice : IInstanceDevice
{
    private readonly DeviceMemoryPool _pool;
    private readonly long[] _marks = new long[4];

    public HostInstanceDevice(int ordinal, DeviceMemoryPool pool)
    {
        Ordinal = ordinal;
        _pool = pool;
    }

    public int Ordinal { get; }

    public bool IsHostMemory => true;

    public nint StreamHandle => 0;

    public DeviceBuffer Rent(int bytes) => _pool.Rent(bytes);

    public void CopyToDevice(DeviceBuffer destination, nint source, int bytes) =>
        new ReadOnlySpan<byte>((void*)source, bytes).CopyTo(new Span<byte>((void*)destination.Address, bytes));

    public void CopyToHost(nint destination, DeviceBuffer source, int bytes) =>
        new ReadOnlySpan<byte>((void*)source.Address, bytes).CopyTo(new Span<byte>((void*)destination, bytes));

    public void Mark(ExecutionStage stage) => _marks[(int)stage] = Stopwatch.GetTimestamp();

    public ExecutionTimings Complete() => new(
        ModelVersionStatistics.ElapsedNanoseconds(_marks[0], _marks[1]),
        ModelVersionStatistics.ElapsedNanoseconds(_marks[1], _marks[2]),
        ModelVersionStatistics.ElapsedNanoseconds(_marks[2], _marks[3]));

    public void WaitForStream()
    {
        // Copies here finish before they return.
    }

    public void Dispose()
    {
    }
}
