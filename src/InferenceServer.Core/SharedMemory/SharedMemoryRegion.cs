namespace InferenceServer.Core.SharedMemory;

/// <summary>
/// One registered region: a window <c>[Offset, Offset + ByteSize)</c> of a mapped object, owned by its registration.
/// Holders are counted: the registration is one, and each request tensor that reads or writes the region is one more
/// (a <see cref="SharedMemoryLease"/>). Unregistering releases the registration's hold only, so a request that holds
/// the region keeps it mapped until it is answered; the last release unmaps it.
/// </summary>
public sealed class SharedMemoryRegion
{
    private readonly SharedMemoryMapping? _mapping;
    private int _holders = 1;

    internal SharedMemoryRegion(string name, SharedMemoryKind kind, string key, long offset, long byteSize, long deviceId, SharedMemoryMapping? mapping)
    {
        Name = name;
        Kind = kind;
        Key = key;
        Offset = offset;
        ByteSize = byteSize;
        DeviceId = deviceId;
        _mapping = mapping;
    }

    /// <summary>The client's name for the region.</summary>
    public string Name { get; }

    public SharedMemoryKind Kind { get; }

    /// <summary>The shared-memory object's key, as the client gave it (system regions).</summary>
    public string Key { get; }

    /// <summary>Where the region starts in its object.</summary>
    public long Offset { get; }

    public long ByteSize { get; }

    /// <summary>The GPU of a CUDA region.</summary>
    public long DeviceId { get; }

    /// <summary>Registration plus requests holding the region; 0 once it is unmapped.</summary>
    public int Holders => Volatile.Read(ref _holders);

    /// <summary>Whether the object is still mapped (false once the last holder released it).</summary>
    public bool IsMapped => _mapping is not null && _mapping.Address != 0;

    internal SharedMemoryRegionStatus Status => new(Name, Kind, Key, Offset, ByteSize, DeviceId);

    /// <summary>The address of the region's first byte; valid while the caller holds the region.</summary>
    internal nint Start => _mapping!.Address + (nint)Offset;

    /// <summary>Takes one more hold; false when the region is already unmapped (unregistered and released).</summary>
    internal bool TryHold()
    {
        var holders = Volatile.Read(ref _holders);
        while (holders > 0)
        {
            var seen = Interlocked.CompareExchange(ref _holders, holders + 1, holders);
            if (seen == holders)
            {
                return true;
            }

            holders = seen;
        }

        return false;
    }

    /// <summary>Gives one hold back; the last one unmaps the object.</summary>
    internal void Release()
    {
        if (Interlocked.Decrement(ref _holders) == 0)
        {
            _mapping?.Unmap();
        }
    }

    /// <summary>Whether the object still covers the whole region (a client may have shrunk it since registering).</summary>
    internal bool StillCovered() => _mapping is not null && SharedMemoryBounds.Fits(_mapping.CurrentSize(), Offset, ByteSize);
}
