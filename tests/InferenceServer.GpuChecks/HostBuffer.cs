using System.Runtime.InteropServices;
using InferenceServer.Cuda;

namespace InferenceServer.GpuChecks;

/// <summary>Host memory for a check: page-locked through the driver, or ordinary pageable memory for comparison.</summary>
internal sealed unsafe class HostBuffer : IDisposable
{
    private readonly CudaContext? _pageLockedOwner;

    private HostBuffer(byte* pointer, long length, CudaContext? pageLockedOwner)
    {
        Pointer = pointer;
        Length = length;
        _pageLockedOwner = pageLockedOwner;
    }

    public byte* Pointer { get; private set; }

    public long Length { get; }

    public bool IsPageLocked => _pageLockedOwner is not null;

    public Span<byte> Bytes(long offset, int length) => new(Pointer + offset, length);

    public Span<float> Floats(long offset, int count) => new(Pointer + offset, count);

    public static HostBuffer PageLocked(CudaContext context, long length) =>
        new((byte*)context.AllocatePageLocked((nuint)length), length, context);

    /// <summary>Pageable memory with every page touched, so the first copy does not pay for page faults.</summary>
    public static HostBuffer Pageable(long length)
    {
        var pointer = (byte*)NativeMemory.AlignedAlloc((nuint)length, 4096);
        new Span<byte>(pointer, checked((int)length)).Clear();
        return new HostBuffer(pointer, length, pageLockedOwner: null);
    }

    public void Dispose()
    {
        if (Pointer is null)
        {
            return;
        }

        if (_pageLockedOwner is not null)
        {
            _pageLockedOwner.FreePageLocked(Pointer);
        }
        else
        {
            NativeMemory.AlignedFree(Pointer);
        }

        Pointer = null;
    }
}
