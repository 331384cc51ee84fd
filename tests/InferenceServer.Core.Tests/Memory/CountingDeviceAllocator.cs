using InferenceServer.Core.Memory;

namespace InferenceServer.Core.Tests.Memory;

/// <summary>A <see cref="HostBackedDeviceAllocator"/> that keeps an <see cref="AllocationLedger"/> and can be told to fail.</summary>
internal sealed class CountingDeviceAllocator(int deviceOrdinal = 0) : IDeviceMemoryAllocator
{
    private readonly HostBackedDeviceAllocator _inner = new(deviceOrdinal);

    public AllocationLedger Ledger { get; } = new();

    public string Description => "counted " + _inner.Description;

    public int DeviceOrdinal => _inner.DeviceOrdinal;

    public nint Allocate(nuint bytes)
    {
        Ledger.ThrowIfFailureInjected();
        var address = _inner.Allocate(bytes);
        Ledger.RecordAllocation(address, bytes);
        return address;
    }

    public void Free(nint address)
    {
        Ledger.RecordFree(address);
        _inner.Free(address);
    }
}
