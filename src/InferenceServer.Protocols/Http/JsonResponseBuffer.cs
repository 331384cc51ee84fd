using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.ObjectPool;

namespace InferenceServer.Protocols.Http;

/// <summary>
/// A pooled JSON writer and the buffer behind it. Response JSON is built here first because its
/// length goes into headers (Content-Length, Inference-Header-Content-Length) before the body.
/// </summary>
internal sealed class JsonResponseBuffer : IResettable
{
    private static readonly ObjectPool<JsonResponseBuffer> Pool =
        new DefaultObjectPool<JsonResponseBuffer>(new DefaultPooledObjectPolicy<JsonResponseBuffer>(), Environment.ProcessorCount * 16);

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // Tensor names and BYTES data are written as they are; HTML-safe escaping is not needed here.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = false,
    };

    public JsonResponseBuffer()
    {
        Writer = new Utf8JsonWriter(Buffer, WriterOptions);
    }

    public ArrayBufferWriter<byte> Buffer { get; } = new(4096);

    public Utf8JsonWriter Writer { get; }

    /// <summary>The JSON written so far (call after flushing <see cref="Writer"/>).</summary>
    public ReadOnlyMemory<byte> Written => Buffer.WrittenMemory;

    public static JsonResponseBuffer Rent() => Pool.Get();

    public void Return() => Pool.Return(this);

    public bool TryReset()
    {
        if (Buffer.Capacity > 1 << 20)
        {
            // Do not let one huge JSON response pin a megabyte buffer in the pool forever.
            return false;
        }

        Buffer.ResetWrittenCount();
        Writer.Reset(Buffer);
        return true;
    }
}
