namespace InferenceServer.Core.SharedMemory;

/// <summary>
/// Range checks for shared-memory offsets and sizes. Every value comes from a client, so none is trusted: negative values
/// never fit, and the end of a range is never formed as a sum (<c>offset + size</c> can wrap); the size is compared with
/// what is left after the offset instead.
/// </summary>
public static class SharedMemoryBounds
{
    /// <summary>Whether <c>[offset, offset + byteSize)</c> lies inside <c>[0, regionSize)</c>.</summary>
    public static bool Fits(long regionSize, long offset, long byteSize) =>
        regionSize >= 0 && offset >= 0 && byteSize >= 0 && offset <= regionSize && byteSize <= regionSize - offset;
}
