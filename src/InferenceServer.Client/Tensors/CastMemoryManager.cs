using System.Buffers;
using System.Runtime.InteropServices;

namespace InferenceServer.Client.Tensors;

/// <summary>
/// A caller's <see cref="ReadOnlyMemory{T}"/> seen as bytes, without a copy: the transports write
/// <see cref="Memory{T}"/> of bytes to their streams, and .NET has no cast between memories of different element types.
/// Pinning (gzip's deflater pins what it compresses) pins the caller's memory itself.
/// </summary>
internal sealed class CastMemoryManager<T>(ReadOnlyMemory<T> source) : MemoryManager<byte>
    where T : unmanaged
{
    public override Span<byte> GetSpan() => MemoryMarshal.AsBytes(MemoryMarshal.AsMemory(source).Span);

    public override unsafe MemoryHandle Pin(int elementIndex = 0)
    {
        var inner = MemoryMarshal.AsMemory(source).Pin();
        return new MemoryHandle((byte*)inner.Pointer + elementIndex, default, new PinnedSource(inner));
    }

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
    }

    /// <summary>Releases the pin on the caller's memory when the byte view's handle is disposed.</summary>
    private sealed class PinnedSource(MemoryHandle inner) : IPinnable
    {
        private MemoryHandle _inner = inner;

        public MemoryHandle Pin(int elementIndex) => throw new NotSupportedException();

        public void Unpin() => _inner.Dispose();
    }
}
