using System.Buffers;

namespace InferenceServer.Core.SharedMemory;

/// <summary>
/// One request tensor's hold on part of a region: the bytes <c>[offset, offset + length)</c> of the region, checked
/// against it when taken. Inputs read straight from it (no copy into a request buffer) and outputs are written into
/// it. The request owns the lease (<see cref="Inference.InferenceRequest.Own"/>) and disposes it when it is reset,
/// which releases the region exactly once.
/// </summary>
public sealed unsafe class SharedMemoryLease : MemoryManager<byte>
{
    private readonly SharedMemoryRegion _region;
    private readonly byte* _start;
    private readonly int _length;
    private int _released;

    internal SharedMemoryLease(SharedMemoryRegion region, long offset, int length)
    {
        _region = region;
        _start = (byte*)(region.Start + (nint)offset);
        _length = length;
        Offset = offset;
    }

    /// <summary>The region's name, as the client gave it.</summary>
    public string Region => _region.Name;

    /// <summary>Offset of the tensor's bytes within the region.</summary>
    public long Offset { get; }

    /// <summary>Bytes of the region the tensor may use.</summary>
    public int Length => _length;

    public override Span<byte> GetSpan() => Volatile.Read(ref _released) == 0 ? new Span<byte>(_start, _length) : [];

    public override MemoryHandle Pin(int elementIndex = 0) => new(_start + elementIndex);

    public override void Unpin()
    {
        // Mapped memory never moves.
    }

    /// <summary>Releases the lease's hold on the region (once; later calls do nothing).</summary>
    public void Dispose() => Dispose(true);

    protected override void Dispose(bool disposing)
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            _region.Release();
        }
    }
}
