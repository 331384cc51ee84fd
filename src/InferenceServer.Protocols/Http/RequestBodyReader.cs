using System.IO.Compression;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Memory;
using Microsoft.AspNetCore.Http;

namespace InferenceServer.Protocols.Http;

/// <summary>
/// Reads a request body into one pinned buffer: one copy off the wire, and the binary tensors are
/// later used in place from it. Honours <c>Content-Encoding: gzip | deflate | identity</c> (deflate is
/// zlib format, as Triton's clients send it) and enforces the body limit before allocating (declared
/// length) or while reading (chunked and compressed bodies).
/// </summary>
internal static class RequestBodyReader
{
    private const int InitialChunkedSize = 16 << 10;

    public static async ValueTask<BodyReadResult> ReadAsync(HttpRequest request, PinnedBufferPool pool, long limit, CancellationToken cancellation)
    {
        var encoding = request.Headers.ContentEncoding.ToString();
        Stream body = request.Body;
        Stream? decompressor = null;
        switch (encoding)
        {
            case "" or "identity":
                if (request.ContentLength is { } declared && declared > limit)
                {
                    return BodyReadResult.Failed(TooLarge(limit));
                }

                break;
            case "gzip":
                decompressor = body = new GZipStream(body, CompressionMode.Decompress, leaveOpen: true);
                break;
            case "deflate":
                decompressor = body = new ZLibStream(body, CompressionMode.Decompress, leaveOpen: true);
                break;
            default:
                return BodyReadResult.Failed(InferenceError.InvalidArgument(
                    $"unsupported Content-Encoding '{encoding}'; use gzip, deflate or identity"));
        }

        var initial = decompressor is null && request.ContentLength is { } length ? (int)length : InitialChunkedSize;
        var buffer = pool.Rent(initial);
        var filled = 0;
        try
        {
            while (true)
            {
                if (filled == buffer.Length)
                {
                    if (decompressor is null && request.ContentLength is not null)
                    {
                        // Declared length reached; a well-formed body has nothing more.
                        break;
                    }

                    if (filled >= limit)
                    {
                        buffer.Dispose();
                        return BodyReadResult.Failed(TooLarge(limit));
                    }

                    buffer = Grow(pool, buffer, (int)Math.Min(limit + 1, (long)buffer.Length * 2));
                }

                var read = await body.ReadAsync(buffer.Memory[filled..], cancellation).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                filled += read;
                if (filled > limit)
                {
                    buffer.Dispose();
                    return BodyReadResult.Failed(TooLarge(limit));
                }
            }
        }
        catch (InvalidDataException ex)
        {
            buffer.Dispose();
            return BodyReadResult.Failed(InferenceError.InvalidArgument($"request body is not valid {encoding} data: {ex.Message}"));
        }
        catch (Exception ex) when (ex is Microsoft.AspNetCore.Http.BadHttpRequestException or IOException)
        {
            buffer.Dispose();
            return BodyReadResult.Failed(InferenceError.InvalidArgument($"request body could not be read: {ex.Message}"));
        }
        finally
        {
            if (decompressor is not null)
            {
                await decompressor.DisposeAsync().ConfigureAwait(false);
            }
        }

        return new BodyReadResult(buffer, filled, InferenceError.None);
    }

    private static PinnedBuffer Grow(PinnedBufferPool pool, PinnedBuffer buffer, int size)
    {
        var larger = pool.Rent(size);
        buffer.Span.CopyTo(larger.Span);
        buffer.Dispose();
        return larger;
    }

    private static InferenceError TooLarge(long limit) => new(InferenceErrorCode.PayloadTooLarge,
        $"request body is larger than the limit of {limit} bytes (--http-max-input-size)");
}

/// <summary>The body (owned by the caller, who must dispose it) or why it could not be read.</summary>
internal readonly record struct BodyReadResult(PinnedBuffer? Buffer, int Length, InferenceError Error)
{
    /// <summary>The bytes read (empty for an empty body); valid until <see cref="Buffer"/> is disposed.</summary>
    public ReadOnlyMemory<byte> Bytes => Buffer is null ? default : Buffer.Memory[..Length];

    public static BodyReadResult Failed(InferenceError error) => new(null, 0, error);
}
