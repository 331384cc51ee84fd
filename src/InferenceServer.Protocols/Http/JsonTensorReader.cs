using System.Runtime.InteropServices;
using System.Text.Json;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Memory;
using InferenceServer.Core.Tensors;

namespace InferenceServer.Protocols.Http;

/// <summary>
/// Reads a JSON <c>data</c> array (nested or flat, row-major) into a pinned buffer in the tensor's
/// binary layout. The buffer is sized from the validated shape before reading, once the data text is long
/// enough to hold that many values, and the reader stops at the first value past the expected count, so a
/// request cannot make it allocate more than a few bytes per byte of its data. FP16 and BF16 numbers are rounded
/// to nearest (Triton takes these two as binary data only; JSON is accepted here as the writer already writes them).
/// Floating-point data (FP16, BF16, FP32, FP64) may hold
/// <c>NaN</c>, <c>Infinity</c> and <c>-Infinity</c>: the reader reads a copy in which they are strings
/// (<see cref="NonFiniteJsonTokens"/>) and looks at the original to tell them from strings the client sent.
/// </summary>
internal static class JsonTensorReader
{
    /// <param name="json">The data text to read (non-finite tokens replaced).</param>
    /// <param name="original">The same text as sent: equal to <paramref name="json"/> but where a token was replaced.</param>
    public static InferenceError Read(ReadOnlySpan<byte> json, ReadOnlySpan<byte> original, string name, DataType type, long elementCount, long expectedBytes, PinnedBufferPool pool, int maxDepth, out PinnedBuffer? buffer)
    {
        buffer = null;
        var options = new JsonReaderOptions { MaxDepth = maxDepth };
        return type == DataType.Bytes
            ? ReadStrings(json, original, name, elementCount, pool, options, out buffer)
            : ReadNumbers(json, original, name, type, elementCount, expectedBytes, pool, options, out buffer);
    }

    private static InferenceError ReadNumbers(ReadOnlySpan<byte> json, ReadOnlySpan<byte> original, string name, DataType type, long elementCount, long expectedBytes, PinnedBufferPool pool, JsonReaderOptions options, out PinnedBuffer? buffer)
    {
        buffer = null;

        // A value takes at least one byte and a comma follows all but the last, so data this short cannot fill
        // the shape. Answer before renting: the buffer is sized from the shape, which costs the client nothing.
        if (elementCount > (json.Length + 1) / 2)
        {
            return InferenceError.InvalidArgument($"input '{name}' has {CountValues(json, options)} data values but its shape has {elementCount} elements");
        }

        buffer = pool.Rent((int)expectedBytes);
        var destination = buffer.Span;
        var reader = new Utf8JsonReader(json, options);
        long index = 0;
        while (reader.Read())
        {
            if (reader.TokenType is JsonTokenType.StartArray or JsonTokenType.EndArray)
            {
                continue;
            }

            if (index == elementCount)
            {
                return Fail(ref buffer, $"input '{name}' has more data values than its shape's {elementCount} elements");
            }

            if (!TryWrite(ref reader, original, type, destination, (int)index))
            {
                return Fail(ref buffer, $"input '{name}' of datatype {type.ToProtocolString()} has a value that is not a valid {type.ToProtocolString()} at element {index}");
            }

            index++;
        }

        return index == elementCount
            ? InferenceError.None
            : Fail(ref buffer, $"input '{name}' has {index} data values but its shape has {elementCount} elements");
    }

    private static long CountValues(ReadOnlySpan<byte> json, JsonReaderOptions options)
    {
        var reader = new Utf8JsonReader(json, options);
        long count = 0;
        while (reader.Read())
        {
            count += reader.TokenType is JsonTokenType.StartArray or JsonTokenType.EndArray ? 0 : 1;
        }

        return count;
    }

    private static bool TryWrite(ref Utf8JsonReader reader, ReadOnlySpan<byte> original, DataType type, Span<byte> destination, int index)
    {
        if (type == DataType.Bool)
        {
            if (reader.TokenType is not (JsonTokenType.True or JsonTokenType.False))
            {
                return false;
            }

            destination[index] = reader.TokenType == JsonTokenType.True ? (byte)1 : (byte)0;
            return true;
        }

        if (reader.TokenType != JsonTokenType.Number)
        {
            return reader.TokenType == JsonTokenType.String && TryWriteNonFinite(original[(int)reader.TokenStartIndex], type, destination, index);
        }

        switch (type)
        {
            case DataType.Fp32 when reader.TryGetDouble(out var d):
                MemoryMarshal.Cast<byte, float>(destination)[index] = (float)d;
                return true;
            case DataType.Fp64 when reader.TryGetDouble(out var d):
                MemoryMarshal.Cast<byte, double>(destination)[index] = d;
                return true;
            case DataType.UInt64 when reader.TryGetUInt64(out var u):
                MemoryMarshal.Cast<byte, ulong>(destination)[index] = u;
                return true;
            case DataType.Fp16 when reader.TryGetDouble(out var d):
                MemoryMarshal.Cast<byte, Half>(destination)[index] = (Half)d;
                return true;
            case DataType.Bf16 when reader.TryGetDouble(out var d):
                MemoryMarshal.Cast<byte, ushort>(destination)[index] = BFloat16Bits.From((float)d);
                return true;
            case DataType.UInt64 or DataType.Fp16 or DataType.Bf16 or DataType.Fp32 or DataType.Fp64:
                return false;
        }

        if (!reader.TryGetInt64(out var v))
        {
            return false;
        }

        switch (type)
        {
            case DataType.Int8 when v is >= sbyte.MinValue and <= sbyte.MaxValue:
                MemoryMarshal.Cast<byte, sbyte>(destination)[index] = (sbyte)v;
                return true;
            case DataType.UInt8 when v is >= 0 and <= byte.MaxValue:
                destination[index] = (byte)v;
                return true;
            case DataType.Int16 when v is >= short.MinValue and <= short.MaxValue:
                MemoryMarshal.Cast<byte, short>(destination)[index] = (short)v;
                return true;
            case DataType.UInt16 when v is >= 0 and <= ushort.MaxValue:
                MemoryMarshal.Cast<byte, ushort>(destination)[index] = (ushort)v;
                return true;
            case DataType.Int32 when v is >= int.MinValue and <= int.MaxValue:
                MemoryMarshal.Cast<byte, int>(destination)[index] = (int)v;
                return true;
            case DataType.UInt32 when v is >= 0 and <= uint.MaxValue:
                MemoryMarshal.Cast<byte, uint>(destination)[index] = (uint)v;
                return true;
            case DataType.Int64:
                MemoryMarshal.Cast<byte, long>(destination)[index] = v;
                return true;
            default:
                return false;
        }
    }

    // Off the number path: only a string token gets here, and only a replaced token of a float tensor is a value.
    private static bool TryWriteNonFinite(byte originalFirstByte, DataType type, Span<byte> destination, int index)
    {
        if (type is not (DataType.Fp16 or DataType.Bf16 or DataType.Fp32 or DataType.Fp64) || !NonFiniteJsonTokens.TryRead(originalFirstByte, out var value))
        {
            return false;
        }

        switch (type)
        {
            case DataType.Fp16: MemoryMarshal.Cast<byte, Half>(destination)[index] = (Half)value; break;
            case DataType.Bf16: MemoryMarshal.Cast<byte, ushort>(destination)[index] = BFloat16Bits.From((float)value); break;
            case DataType.Fp32: MemoryMarshal.Cast<byte, float>(destination)[index] = (float)value; break;
            default: MemoryMarshal.Cast<byte, double>(destination)[index] = value; break;
        }

        return true;
    }

    // Two passes: the first counts the strings and bounds their size (escapes only shrink text), the
    // second unescapes them into the length-prefixed layout.
    private static InferenceError ReadStrings(ReadOnlySpan<byte> json, ReadOnlySpan<byte> original, string name, long elementCount, PinnedBufferPool pool, JsonReaderOptions options, out PinnedBuffer? buffer)
    {
        buffer = null;
        var reader = new Utf8JsonReader(json, options);
        long count = 0;
        long bound = 0;
        while (reader.Read())
        {
            if (reader.TokenType is JsonTokenType.StartArray or JsonTokenType.EndArray)
            {
                continue;
            }

            if (reader.TokenType != JsonTokenType.String || original[(int)reader.TokenStartIndex] != (byte)'"')
            {
                return InferenceError.InvalidArgument($"input '{name}' has datatype BYTES, so its data values must be JSON strings (element {count} is not)");
            }

            if (++count > elementCount)
            {
                return InferenceError.InvalidArgument($"input '{name}' has more data values than its shape's {elementCount} elements");
            }

            bound += BytesTensor.PrefixSize + (reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length);
        }

        if (count != elementCount)
        {
            return InferenceError.InvalidArgument($"input '{name}' has {count} data values but its shape has {elementCount} elements");
        }

        if (bound > Array.MaxLength)
        {
            return new InferenceError(InferenceErrorCode.PayloadTooLarge, $"input '{name}' is larger than the per-tensor limit");
        }

        buffer = pool.Rent((int)bound);
        var destination = buffer.Span;
        var written = 0;
        reader = new Utf8JsonReader(json, options);
        var index = 0;
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.String)
                {
                    continue;
                }

                var length = reader.CopyString(destination[(written + BytesTensor.PrefixSize)..]);
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(destination[written..], (uint)length);
                written += BytesTensor.PrefixSize + length;
                index++;
            }
        }
        catch (InvalidOperationException)
        {
            // The reader checks a string's UTF-8 (and its escaped surrogates) only when it copies it out:
            // the buffer is already rented here, so it goes back before the error is returned.
            return Fail(ref buffer, $"input '{name}' has datatype BYTES, and its element {index} is not valid UTF-8 text; send arbitrary bytes as binary data");
        }

        buffer.Truncate(written);
        return InferenceError.None;
    }

    private static InferenceError Fail(ref PinnedBuffer? buffer, string message)
    {
        buffer?.Dispose();
        buffer = null;
        return InferenceError.InvalidArgument(message);
    }
}
