using System.Buffers.Binary;

namespace InferenceServer.Core.Tensors;

/// <summary>
/// The serialised form of a BYTES tensor, shared by HTTP binary data, gRPC raw contents and the
/// server's internal buffers:
/// <code>
/// [uint32 LE length][length bytes][uint32 LE length][length bytes] ...   one entry per element
/// </code>
/// </summary>
public static class BytesTensor
{
    /// <summary>Size of the length prefix of each element.</summary>
    public const int PrefixSize = 4;

    /// <summary>
    /// Counts the elements of a serialised BYTES tensor; false when an element runs past the end.
    /// </summary>
    public static bool TryCountElements(ReadOnlySpan<byte> data, out long count)
    {
        count = 0;
        while (!data.IsEmpty)
        {
            if (data.Length < PrefixSize)
            {
                return false;
            }

            var length = BinaryPrimitives.ReadUInt32LittleEndian(data);
            data = data[PrefixSize..];
            if (length > (uint)data.Length)
            {
                return false;
            }

            data = data[(int)length..];
            count++;
        }

        return true;
    }

    /// <summary>Reads the element at the front of <paramref name="data"/> and advances past it.</summary>
    public static ReadOnlySpan<byte> ReadElement(ref ReadOnlySpan<byte> data)
    {
        var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(data);
        var element = data.Slice(PrefixSize, length);
        data = data[(PrefixSize + length)..];
        return element;
    }

    /// <summary>Writes one element (prefix and bytes) at the front of <paramref name="destination"/>.</summary>
    public static int WriteElement(Span<byte> destination, ReadOnlySpan<byte> element)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, (uint)element.Length);
        element.CopyTo(destination[PrefixSize..]);
        return PrefixSize + element.Length;
    }
}
