namespace InferenceServer.OnnxRuntime;

/// <summary>
/// The bytes of an ONNX model's weights: the main graph's initializers (and sparse initializers' values and indices), as
/// element count × element size from each tensor's header, so external data and raw bytes are never read, only skipped.
/// A session holds one copy of them on the device it runs on.
/// <code>
/// ModelProto   field 7  graph: GraphProto
/// GraphProto   field 5  initializer: TensorProto (repeated); field 15 sparse_initializer: SparseTensorProto
/// TensorProto  field 1  dims: int64 (repeated, packed or not); field 2 data_type: int32; field 6 string_data: bytes
/// SparseTensor field 1  values: TensorProto; field 2 indices: TensorProto
/// </code>
/// Not counted: constants inside nodes (Constant ops, subgraphs of If/Loop/Scan).
/// </summary>
internal static class OnnxWeightBytes
{
    private const int StringType = 8;

    /// <summary>The weights' bytes; null when the file is not an ONNX model this reader can walk (the session reports that).</summary>
    public static long? Count(string modelPath)
    {
        try
        {
            using var stream = new FileStream(modelPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            return Walk(stream, stream.Length, Model);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException or OverflowException)
        {
            return null;
        }
    }

    private static long Model(Stream stream, int field, long end) => field == 7 ? Walk(stream, end, Graph) : Skip(stream, end);

    private static long Graph(Stream stream, int field, long end) => field switch
    {
        5 => Tensor(stream, end),
        15 => Walk(stream, end, (s, f, e) => f is 1 or 2 ? Tensor(s, e) : Skip(s, e)),
        _ => Skip(stream, end),
    };

    private static long Tensor(Stream stream, long end)
    {
        long elements = 1;
        var dataType = 0;
        long stringBytes = 0;
        while (stream.Position < end)
        {
            var (field, wire) = ReadTag(stream);
            if (field == 1 && wire == 0)
            {
                elements = checked(elements * (long)ReadVarint(stream));
            }
            else if (field == 1 && wire == 2)
            {
                var packedLength = (long)ReadVarint(stream);
                var packedEnd = checked(stream.Position + packedLength);
                while (stream.Position < packedEnd)
                {
                    elements = checked(elements * (long)ReadVarint(stream));
                }
            }
            else if (field == 2 && wire == 0)
            {
                dataType = (int)ReadVarint(stream);
            }
            else if (field == 6 && wire == 2)
            {
                var length = (long)ReadVarint(stream);
                stringBytes += length;
                stream.Seek(length, SeekOrigin.Current);
            }
            else
            {
                SkipValue(stream, wire);
            }
        }

        return dataType == StringType ? stringBytes : ElementBytes(dataType, elements);
    }

    // ONNX's TensorProto.DataType numbering; 4-bit types pack two elements to a byte.
    private static long ElementBytes(int dataType, long elements) => dataType switch
    {
        2 or 3 or 9 or 17 or 18 or 19 or 20 => elements,
        4 or 5 or 10 or 16 => 2 * elements,
        1 or 6 or 12 => 4 * elements,
        7 or 11 or 13 or 14 => 8 * elements,
        15 => 16 * elements,
        21 or 22 => (elements + 1) / 2,
        _ => 0,
    };

    // Calls `read` for every length-delimited field in [position, end); other fields are skipped.
    private static long Walk(Stream stream, long end, Func<Stream, int, long, long> read)
    {
        long total = 0;
        while (stream.Position < end)
        {
            var (field, wire) = ReadTag(stream);
            if (wire != 2)
            {
                SkipValue(stream, wire);
                continue;
            }

            // The length first: it is read from the stream, and the field starts after it.
            var length = (long)ReadVarint(stream);
            var fieldEnd = checked(stream.Position + length);
            if (fieldEnd > end)
            {
                throw new InvalidDataException("a field runs past its message");
            }

            total = checked(total + read(stream, field, fieldEnd));
            stream.Position = fieldEnd;
        }

        return total;
    }

    private static long Skip(Stream stream, long end)
    {
        stream.Position = end;
        return 0;
    }

    private static void SkipValue(Stream stream, int wire)
    {
        switch (wire)
        {
            case 0:
                ReadVarint(stream);
                break;
            case 1:
                stream.Seek(8, SeekOrigin.Current);
                break;
            case 2:
                stream.Seek((long)ReadVarint(stream), SeekOrigin.Current);
                break;
            case 5:
                stream.Seek(4, SeekOrigin.Current);
                break;
            default:
                throw new InvalidDataException($"unsupported protobuf wire type {wire}");
        }
    }

    private static (int Field, int Wire) ReadTag(Stream stream)
    {
        var tag = ReadVarint(stream);
        return ((int)(tag >> 3), (int)(tag & 7));
    }

    private static ulong ReadVarint(Stream stream)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = stream.ReadByte();
            if (b < 0)
            {
                throw new InvalidDataException("the file ends inside a field");
            }

            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        throw new InvalidDataException("a varint longer than 10 bytes");
    }
}
