using InferenceServer.Core.Memory;

namespace InferenceServer.Core.Tests.Memory;

/// <summary>An <see cref="AlignedHostAllocator"/> that keeps an <see cref="AllocationLedger"/> and can be told to fail.</summary>
internal sealed unsafe class CountingHostAllocator : IHostMemoryAllocator
{
    public AllocationLedger Ledger { get; } = new();

    public string Description => "counted " + AlignedHostAllocator.Instance.Description;

    public void* Allocate(nuint bytes)
    {
        Ledger.ThrowIfFailureInjected();
        var pointer = AlignedHostAllocator.Instance.Allocate(bytes);
        Ledger.RecordAllocation((nint)pointer, bytes);
        return pointer;
    }

    public void Free(void* pointer)
    {
        Ledger.RecordFree((nint)pointer);
        AlignedHostAllocator.Instance.Free(pointer);
    }
}
