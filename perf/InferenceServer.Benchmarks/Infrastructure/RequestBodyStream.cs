namespace InferenceServer.Benchmarks.Infrastructure;

/// <summary>
/// A request body already in memory, read like Kestrel's request stream when the body has arrived:
/// every read completes synchronously. <see cref="Rewind"/> replays it for the next request.
/// </summary>
internal sealed class RequestBodyStream : Stream
{
    private ReadOnlyMemory<byte> _body;
    private int _position;

    public RequestBodyStream(ReadOnlyMemory<byte> body)
    {
        _body = body;
    }

    public void Rewind() => _position = 0;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(Span<byte> buffer)
    {
        var count = Math.Min(buffer.Length, _body.Length - _position);
        _body.Span.Slice(_position, count).CopyTo(buffer);
        _position += count;
        return count;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        new(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
