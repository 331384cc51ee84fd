using InferenceServer.Cuda;

namespace InferenceServer.GpuChecks;

/// <summary>Device memory owned by one check.</summary>
internal sealed class DeviceBlock : IDisposable
{
    private readonly CudaContext _context;

    public DeviceBlock(CudaContext context, long length)
    {
        _context = context;
        Length = length;
        Address = context.AllocateDevice((nuint)length);
    }

    public ulong Address { get; private set; }

    public long Length { get; }

    public void Dispose()
    {
        if (Address != 0)
        {
            _context.FreeDevice(Address);
            Address = 0;
        }
    }
}
