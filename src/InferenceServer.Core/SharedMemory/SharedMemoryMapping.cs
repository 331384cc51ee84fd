using System.Runtime.InteropServices;
using InferenceServer.Core.Inference;
using static InferenceServer.Core.SharedMemory.PosixSharedMemoryNative;

namespace InferenceServer.Core.SharedMemory;

/// <summary>
/// One POSIX shared-memory object mapped read/write into the server. It is opened without following a symbolic link
/// (<c>O_NOFOLLOW</c>) and without blocking (a FIFO planted under the name cannot stall the call), must be a regular
/// file, and is mapped whole, so a region's offset needs no page alignment. The descriptor stays open so each use can
/// check that the object still covers the region (a client that shrinks its object afterwards would otherwise make
/// reads past the new end fault). Errors name no path: the client sees its own region name only.
/// </summary>
internal sealed unsafe class SharedMemoryMapping
{
    private readonly int _fd;
    private nint _address;

    private SharedMemoryMapping(int fd, nint address, long length)
    {
        _fd = fd;
        _address = address;
        Length = length;
    }

    /// <summary>First byte of the mapping; zero once unmapped.</summary>
    public nint Address => Volatile.Read(ref _address);

    /// <summary>Bytes mapped: the object's size when it was registered.</summary>
    public long Length { get; }

    public static InferenceError TryOpen(string region, string key, out SharedMemoryMapping? mapping)
    {
        mapping = null;
        if (!OperatingSystem.IsLinux())
        {
            return InferenceError.Unsupported("system shared memory is supported on Linux only");
        }

        var fd = Open(SharedMemoryKey.PathOf(key), ReadWrite | NoFollow | NonBlocking | CloseOnExec);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return InferenceError.InvalidArgument($"unable to open the shared memory object of region '{region}': " + errno switch
            {
                NoSuchFile => "no object has that key",
                PermissionDenied => "the server may not read and write it",
                TooManyLinks => "it is a symbolic link, which is not allowed",
                _ => $"error {errno}",
            });
        }

        var size = SizeOf(fd, out var regular);
        if (!regular || size <= 0)
        {
            Close(fd);
            return InferenceError.InvalidArgument(regular
                ? $"the shared memory object of region '{region}' is empty"
                : $"the shared memory object of region '{region}' is not a regular shared memory object");
        }

        var address = Map(0, (nuint)size, ProtReadWrite, MapShared, fd, 0);
        if (address == -1)
        {
            var errno = Marshal.GetLastPInvokeError();
            Close(fd);
            return InferenceError.InvalidArgument($"unable to map the shared memory object of region '{region}': error {errno}");
        }

        mapping = new SharedMemoryMapping(fd, address, size);
        return InferenceError.None;
    }

    /// <summary>The object's current size (it can shrink after registration); -1 when it cannot be read.</summary>
    public long CurrentSize() => SizeOf(_fd, out _);

    /// <summary>Unmaps and closes; called once, when the last holder releases the region.</summary>
    public void Unmap()
    {
        var address = Interlocked.Exchange(ref _address, 0);
        if (address != 0)
        {
            PosixSharedMemoryNative.Unmap(address, (nuint)Length);
            Close(_fd);
        }
    }

    private static long SizeOf(int fd, out bool regular)
    {
        var buffer = stackalloc byte[StatxBufferSize];
        if (Statx(fd, "", AtEmptyPath, StatxType | StatxSize, buffer) != 0)
        {
            regular = false;
            return -1;
        }

        var mode = *(ushort*)(buffer + StatxModeOffset);
        regular = (mode & TypeMask) == RegularFile;
        var size = *(ulong*)(buffer + StatxSizeOffset);
        return size > long.MaxValue ? -1 : (long)size;
    }
}
