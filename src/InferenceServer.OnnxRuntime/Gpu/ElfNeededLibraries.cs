using System.Buffers.Binary;
using System.Text;

namespace InferenceServer.OnnxRuntime.Gpu;

/// <summary>
/// The <c>DT_NEEDED</c> entries of a 64-bit little-endian ELF shared library: the sonames the dynamic linker must find
/// before it can load the file. Read so the server can say which of ONNX Runtime's CUDA provider's libraries is missing
/// before it asks ONNX Runtime to load the provider (whose own error names only the first failure, without where it looked).
/// </summary>
internal static class ElfNeededLibraries
{
    private const int ProgramHeaderLoad = 1;
    private const int ProgramHeaderDynamic = 2;
    private const long DynamicNull = 0;
    private const long DynamicNeeded = 1;
    private const long DynamicStringTable = 5;

    /// <summary>The sonames <paramref name="path"/> needs, in the file's order.</summary>
    /// <exception cref="InvalidDataException">The file is not a 64-bit little-endian ELF object.</exception>
    public static IReadOnlyList<string> Read(string path)
    {
        using var file = File.OpenRead(path);
        var header = ReadAt(file, 0, 64);
        if (!header.AsSpan(0, 4).SequenceEqual("\u007fELF"u8) || header[4] != 2 || header[5] != 1)
        {
            throw new InvalidDataException($"{path} is not a 64-bit little-endian ELF file");
        }

        var programHeaders = (long)BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(32));
        var entrySize = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(54));
        var entries = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(56));
        var table = ReadAt(file, programHeaders, entrySize * entries);

        var loads = new List<(long Address, long Offset, long Size)>();
        (long Offset, long Size) dynamic = (-1, 0);
        for (var i = 0; i < entries; i++)
        {
            var entry = table.AsSpan(i * entrySize, entrySize);
            var type = BinaryPrimitives.ReadUInt32LittleEndian(entry);
            var offset = (long)BinaryPrimitives.ReadUInt64LittleEndian(entry[8..]);
            var address = (long)BinaryPrimitives.ReadUInt64LittleEndian(entry[16..]);
            var fileSize = (long)BinaryPrimitives.ReadUInt64LittleEndian(entry[32..]);
            if (type == ProgramHeaderLoad)
            {
                loads.Add((address, offset, fileSize));
            }
            else if (type == ProgramHeaderDynamic)
            {
                dynamic = (offset, fileSize);
            }
        }

        if (dynamic.Offset < 0)
        {
            return []; // statically linked: needs nothing
        }

        var section = ReadAt(file, dynamic.Offset, (int)dynamic.Size);
        var neededOffsets = new List<long>();
        var stringTableAddress = -1L;
        for (var at = 0; at + 16 <= section.Length; at += 16)
        {
            var tag = BinaryPrimitives.ReadInt64LittleEndian(section.AsSpan(at));
            var value = (long)BinaryPrimitives.ReadUInt64LittleEndian(section.AsSpan(at + 8));
            if (tag == DynamicNull)
            {
                break;
            }

            if (tag == DynamicNeeded)
            {
                neededOffsets.Add(value);
            }
            else if (tag == DynamicStringTable)
            {
                stringTableAddress = value;
            }
        }

        // DT_STRTAB holds a virtual address; the load segment containing it says where that is in the file.
        var segment = loads.FirstOrDefault(l => stringTableAddress >= l.Address && stringTableAddress < l.Address + l.Size);
        if (stringTableAddress < 0 || segment.Size == 0)
        {
            throw new InvalidDataException($"{path} has a dynamic section without a string table in a loaded segment");
        }

        var stringsAt = stringTableAddress - segment.Address + segment.Offset;
        return neededOffsets.Select(o => ReadName(file, stringsAt + o)).ToArray();
    }

    private static string ReadName(FileStream file, long offset)
    {
        var bytes = ReadAt(file, offset, (int)Math.Min(256, file.Length - offset));
        var end = Array.IndexOf(bytes, (byte)0);
        return Encoding.UTF8.GetString(bytes, 0, end < 0 ? bytes.Length : end);
    }

    private static byte[] ReadAt(FileStream file, long offset, int count)
    {
        if (offset < 0 || count < 0 || offset + count > file.Length)
        {
            throw new InvalidDataException($"{file.Name} is cut short (wanted {count} bytes at {offset} of {file.Length})");
        }

        var buffer = new byte[count];
        file.Position = offset;
        file.ReadExactly(buffer);
        return buffer;
    }
}
