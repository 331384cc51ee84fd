using System.Buffers;
using System.Text;
using Google.Protobuf;
using Grpc.Core;
using InferenceServer.Client.Buffers;
using InferenceServer.Client.Grpc.Wire;

namespace InferenceServer.Client.Grpc;

/// <summary>
/// Reads ModelInferResponse (and the stream's ModelStreamInferResponse) from one pooled buffer the payload is copied
/// into: the fields other than tensor bytes are parsed into a small header message (InferResponseHeader, unknown
/// fields discarded, so the bytes are skipped rather than copied), and a scan of the top-level fields finds each
/// <c>raw_output_contents</c> (field 6) in place. The result's output spans are slices of that buffer. An output sent
/// as typed <c>contents</c> instead is converted into a second pooled buffer.
/// </summary>
internal static class InferResponseParser
{
    private const int RawOutputField = 6;
    private const int StreamErrorField = 1;
    private const int StreamResponseField = 2;

    private static readonly MessageParser<InferResponseHeader> HeaderParser = InferResponseHeader.Parser.WithDiscardUnknownFields(true);

    public static InferResult Deserialize(DeserializationContext context)
    {
        var buffer = Receive(context, out var length);
        try
        {
            return Parse(buffer, 0, length);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    public static StreamInferResponse DeserializeStream(DeserializationContext context)
    {
        var buffer = Receive(context, out var length);
        try
        {
            string error = "";
            int start = 0, size = -1;
            var position = 0;
            while (position < length)
            {
                var (field, wireType) = ReadTag(buffer, ref position);
                if (wireType == 2)
                {
                    var fieldLength = (int)ReadVarint(buffer, ref position);
                    if (field == StreamErrorField)
                    {
                        error = Encoding.UTF8.GetString(buffer, position, fieldLength);
                    }
                    else if (field == StreamResponseField)
                    {
                        (start, size) = (position, fieldLength);
                    }

                    position += fieldLength;
                }
                else
                {
                    Skip(buffer, ref position, wireType);
                }
            }

            if (error.Length > 0 || size < 0)
            {
                ArrayPool<byte>.Shared.Return(buffer);
                return new StreamInferResponse(null, error.Length > 0 ? error : "the stream's response carried neither a result nor an error");
            }

            return new StreamInferResponse(Parse(buffer, start, size), null);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    private static byte[] Receive(DeserializationContext context, out int length)
    {
        length = context.PayloadLength;
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, length));
        context.PayloadAsReadOnlySequence().CopyTo(buffer);
        return buffer;
    }

    /// <summary>Parses the ModelInferResponse at <c>buffer[start..start+length]</c>; the result owns <paramref name="buffer"/>.</summary>
    private static InferResult Parse(byte[] buffer, int start, int length)
    {
        var header = HeaderParser.ParseFrom(buffer, start, length);
        var outputs = new InferOutput[header.Outputs.Count];
        var raw = 0;
        var position = start;
        var end = start + length;
        while (position < end)
        {
            var (field, wireType) = ReadTag(buffer, ref position);
            if (wireType != 2)
            {
                Skip(buffer, ref position, wireType);
                continue;
            }

            var fieldLength = (int)ReadVarint(buffer, ref position);
            if (field == RawOutputField)
            {
                if (raw >= outputs.Length)
                {
                    throw new InvalidDataException("the response has more raw_output_contents than outputs");
                }

                var tensor = header.Outputs[raw];
                outputs[raw++] = new InferOutput(tensor.Name, tensor.Datatype, [.. tensor.Shape], position, fieldLength);
            }

            position += fieldLength;
        }

        if (raw == outputs.Length)
        {
            return new InferResult(header.ModelName, header.ModelVersion, header.Id, outputs, buffer);
        }

        if (raw != 0)
        {
            throw new InvalidDataException($"the response has {raw} raw_output_contents for {outputs.Length} outputs");
        }

        // Typed contents: convert each output into one pooled buffer of wire bytes.
        var converted = new PooledBufferWriter(256);
        try
        {
            for (var i = 0; i < outputs.Length; i++)
            {
                var tensor = header.Outputs[i];
                var offset = converted.WrittenCount;
                TypedContents.WriteRaw(tensor.Datatype, tensor.Contents, converted);
                outputs[i] = new InferOutput(tensor.Name, tensor.Datatype, [.. tensor.Shape], offset, converted.WrittenCount - offset);
            }

            ArrayPool<byte>.Shared.Return(buffer);
            return new InferResult(header.ModelName, header.ModelVersion, header.Id, outputs, converted.Detach());
        }
        finally
        {
            converted.Dispose();
        }
    }

    private static (int Field, int WireType) ReadTag(byte[] buffer, ref int position)
    {
        var tag = ReadVarint(buffer, ref position);
        return ((int)(tag >> 3), (int)(tag & 7));
    }

    private static ulong ReadVarint(byte[] buffer, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = buffer[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new InvalidDataException("a varint in the response is longer than 10 bytes");
    }

    private static void Skip(byte[] buffer, ref int position, int wireType)
    {
        switch (wireType)
        {
            case 0: ReadVarint(buffer, ref position); break;
            case 1: position += 8; break;
            case 5: position += 4; break;
            default: throw new InvalidDataException($"wire type {wireType} has no place in an inference response");
        }
    }
}
