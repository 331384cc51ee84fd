using System.Buffers;
using System.Runtime.InteropServices;

namespace InferenceServer.Client.Tensors;

/// <summary>
/// A caller's <see cref="ReadOnlyMemory{T}"/> seen as bytes, without a copy: the transports write
/// <see cref="Memory{T}"/> of bytes to their streams, and .NET has no cast between memories of different element types.
/// </summary>
internal sealed class CastMemoryManager<T>(ReadOnlyMemory<T> source) : MemoryManager<byte>
    where T : unmanaged
{
    public override Span<byte> GetSpan() => MemoryMarshal.AsBytes(MemoryMarshal.AsMemory(source).Span);

    public override MemoryHandle Pin(int elementIndex = 0) => throw new NotSupportedException("the client does not pin request memory");

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
    }
}
