using System.Buffers.Binary;
using System.Text;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Memory;
using InferenceServer.Core.Models;
using InferenceServer.Core.Tensors;

namespace InferenceServer.Core.Caching;

/// <summary>
/// A cache entry: the output tensors a model produced, before classification or shared-memory delivery (those run on a
/// cached answer exactly as on a computed one, so both are bit-identical on the wire). Little-endian:
/// <code>
/// "RCO1" | u32 count | count × ( u16 name length | name (UTF-8) | u8 datatype | u8 rank | i64 × rank dims | i64 data length | data )
/// </code>
/// A Redis entry may have been written by anything, so reading checks every length and name before adding an output.
/// </summary>
public static class CachedOutputs
{
    private const uint Magic = 0x314F4352; // "RCO1"

    public static byte[] Encode(ReadOnlySpan<InferenceOutput> outputs)
    {
        long size = 8;
        foreach (var output in outputs)
        {
            size += 2 + Encoding.UTF8.GetByteCount(output.Name) + 2 + (8L * output.Shape.Rank) + 8 + output.Data.Length;
        }

        var entry = new byte[size];
        var span = entry.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(span, Magic);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], outputs.Length);
        var at = 8;
        foreach (var output in outputs)
        {
            var nameLength = Encoding.UTF8.GetBytes(output.Name, span[(at + 2)..]);
            BinaryPrimitives.WriteUInt16LittleEndian(span[at..], (ushort)nameLength);
            at += 2 + nameLength;
            span[at++] = (byte)output.DataType;
            span[at++] = (byte)output.Shape.Rank;
            foreach (var dim in output.Shape.Dimensions)
            {
                BinaryPrimitives.WriteInt64LittleEndian(span[at..], dim);
                at += 8;
            }

            var data = output.Data.Span;
            BinaryPrimitives.WriteInt64LittleEndian(span[at..], data.Length);
            at += 8;
            data.CopyTo(span[at..]);
            at += data.Length;
        }

        return entry;
    }

    /// <summary>
    /// Adds the entry's outputs to <paramref name="request"/> (each in a pooled buffer the request owns). False, with nothing
    /// added, when the entry is malformed or names a tensor the model does not have.
    /// </summary>
    public static bool TryDecode(byte[] entry, ModelVersion model, InferenceRequest request, PinnedBufferPool buffers)
    {
        if (!Walk(entry, model, request: null, buffers: null))
        {
            return false;
        }

        Walk(entry, model, request, buffers);
        return true;
    }

    // One reader for both passes: checking (request null) and adding.
    private static bool Walk(ReadOnlySpan<byte> entry, ModelVersion model, InferenceRequest? request, PinnedBufferPool? buffers)
    {
        if (entry.Length < 8 || BinaryPrimitives.ReadUInt32LittleEndian(entry) != Magic)
        {
            return false;
        }

        var count = BinaryPrimitives.ReadInt32LittleEndian(entry[4..]);
        var at = 8;
        Span<long> dims = stackalloc long[TensorShape.MaxRank];
        for (var i = 0; i < count; i++)
        {
            if (entry.Length - at < 2)
            {
                return false;
            }

            var nameLength = BinaryPrimitives.ReadUInt16LittleEndian(entry[at..]);
            at += 2;
            if (entry.Length - at < nameLength + 2)
            {
                return false;
            }

            var spec = model.Signature.FindOutput(entry.Slice(at, nameLength));
            at += nameLength;
            var dataType = (DataType)entry[at++];
            int rank = entry[at++];
            if (spec is null || dataType != spec.DataType || rank > TensorShape.MaxRank || entry.Length - at < (8 * rank) + 8)
            {
                return false;
            }

            for (var d = 0; d < rank; d++)
            {
                dims[d] = BinaryPrimitives.ReadInt64LittleEndian(entry[at..]);
                at += 8;
            }

            var length = BinaryPrimitives.ReadInt64LittleEndian(entry[at..]);
            at += 8;
            if (length < 0 || length > entry.Length - at || !TensorShape.TryCreate(dims[..rank], out var shape))
            {
                return false;
            }

            if (request is not null)
            {
                PinnedBuffer? buffer = null;
                if (length > 0)
                {
                    buffer = buffers!.Rent((int)length);
                    entry.Slice(at, (int)length).CopyTo(buffer.Span);
                }

                request.AddOutput(spec, shape, buffer);
            }

            at += (int)length;
        }

        return at == entry.Length;
    }
}
