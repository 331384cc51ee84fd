using System.Runtime.InteropServices;

namespace InferenceServer.Core.SharedMemory;

/// <summary>
/// The libc calls that open and map a POSIX shared-memory object (Linux). <c>statx</c> is used instead of <c>fstat</c>
/// because its buffer has one layout on every architecture.
/// </summary>
internal static unsafe partial class PosixSharedMemoryNative
{
    private const string Library = "libc";

    public const int ReadWrite = 2;
    public const int NonBlocking = 0x800;
    public const int CloseOnExec = 0x80000;
    public const int AtEmptyPath = 0x1000;
    public const uint StatxType = 0x1;
    public const uint StatxSize = 0x200;
    public const int ProtReadWrite = 0x1 | 0x2;
    public const int MapShared = 0x1;
    public const int TypeMask = 0xF000;
    public const int RegularFile = 0x8000;

    /// <summary><c>struct statx</c> is 256 bytes; <c>stx_mode</c> is a u16 at byte 28, <c>stx_size</c> a u64 at byte 40.</summary>
    public const int StatxBufferSize = 256;
    public const int StatxModeOffset = 28;
    public const int StatxSizeOffset = 40;

    public const int NoSuchFile = 2;
    public const int PermissionDenied = 13;
    public const int TooManyLinks = 40;

    /// <summary>O_NOFOLLOW differs by architecture (aarch64 moved the directory flags).</summary>
    public static int NoFollow => RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 0x8000 : 0x20000;

    [LibraryImport(Library, EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Open(string path, int flags);

    [LibraryImport(Library, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(Library, EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Statx(int dirFd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport(Library, EntryPoint = "mmap", SetLastError = true)]
    public static partial nint Map(nint address, nuint length, int protection, int flags, int fd, long offset);

    [LibraryImport(Library, EntryPoint = "munmap", SetLastError = true)]
    public static partial int Unmap(nint address, nuint length);
}
