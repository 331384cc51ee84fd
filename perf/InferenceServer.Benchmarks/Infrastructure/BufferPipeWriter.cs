using System.Buffers;
using System.IO.Pipelines;

namespace InferenceServer.Benchmarks.Infrastructure;

/// <summary>
/// A response body <see cref="PipeWriter"/> over a reusable <see cref="ArrayBufferWriter{T}"/>: what Kestrel's
/// output pipe is to the handler, minus the socket. Flushes complete synchronously and allocate nothing.
/// </summary>
internal sealed class BufferPipeWriter : PipeWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new(16 << 10);

    /// <summary>The bytes written since the last <see cref="Reset"/>.</summary>
    public ReadOnlyMemory<byte> Written => _buffer.WrittenMemory;

    public void Reset() => _buffer.ResetWrittenCount();

    public override bool CanGetUnflushedBytes => true;

    public override long UnflushedBytes => 0;

    public override void Advance(int bytes) => _buffer.Advance(bytes);

    public override Memory<byte> GetMemory(int sizeHint = 0) => _buffer.GetMemory(sizeHint);

    public override Span<byte> GetSpan(int sizeHint = 0) => _buffer.GetSpan(sizeHint);

    public override void CancelPendingFlush()
    {
    }

    public override void Complete(Exception? exception = null)
    {
    }

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) =>
        new(new FlushResult(isCanceled: false, isCompleted: false));
}
