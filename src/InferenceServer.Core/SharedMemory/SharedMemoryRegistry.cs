using InferenceServer.Core.Inference;

namespace InferenceServer.Core.SharedMemory;

/// <summary>
/// The regions clients registered (Triton's shared-memory manager), system and CUDA in one namespace of names.
/// <para>
/// Off by default (<c>--allow-client-shm</c>, as Triton since 2026): a client that can register a region makes the
/// server map memory it names, so an operator opts in. A system region is a POSIX shared-memory object under
/// <c>/dev/shm</c> named by its key (<see cref="SharedMemoryKey"/>), opened without following links and checked to be
/// a regular file (<see cref="SharedMemoryMapping"/>). Every use checks its offset and size against the region with
/// overflow-safe arithmetic (<see cref="SharedMemoryBounds"/>). Regions are owned by their registration and unmapped on
/// unregister and at shutdown, once no request holds them any more (<see cref="SharedMemoryRegion"/>).
/// </para>
/// Messages name only the client's own region; never a path or another client's key.
/// </summary>
public sealed class SharedMemoryRegistry : IDisposable
{
    /// <summary>What a refused registration says, in both protocols.</summary>
    public const string DisabledMessage =
        "client shared memory is off on this server; start it with --allow-client-shm=true (or INFERENCE_SERVER_ALLOW_CLIENT_SHM=true) to register regions";

    /// <summary>What a CUDA registration says on a server without a GPU.</summary>
    public const string NoGpuMessage = "CUDA shared memory needs a GPU; this server has none";

    /// <summary>The size of a <c>cudaIpcMemHandle_t</c>.</summary>
    public const int CudaIpcHandleSize = 64;

    private readonly Lock _lock = new(); private readonly Dictionary<string, SharedMemoryRegion> _regions = new(StringComparer.Ordinal);
    private bool _disposed;

    /// <summary>A registry that never has regions, for parsers called without one (tests, benchmarks, fuzzing).</summary>
    public static SharedMemoryRegistry Disabled { get; } = new(allowClientRegistration: false, hasGpu: false);

    /// <param name="allowClientRegistration">Whether clients may register and unregister regions (<c>--allow-client-shm</c>).</param>
    /// <param name="hasGpu">Whether the server found a GPU (CUDA regions are refused without one).</param>
    public SharedMemoryRegistry(bool allowClientRegistration, bool hasGpu)
    {
        AllowsRegistration = allowClientRegistration;
        HasGpu = hasGpu;
    }

    public bool AllowsRegistration { get; }

    public bool HasGpu { get; }

    /// <summary>Registered regions (tests and status).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _regions.Count;
            }
        }
    }

    /// <summary>Maps <c>byteSize</c> bytes at <c>offset</c> of the POSIX shared-memory object <paramref name="key"/> as region <paramref name="name"/>.</summary>
    public InferenceError RegisterSystem(string name, string key, ulong offset, ulong byteSize)
    {
        var error = CheckRegistration(name, byteSize);
        if (error.IsError)
        {
            return error;
        }

        if (!SharedMemoryKey.IsValid(key, out var problem))
        {
            return InferenceError.InvalidArgument(
                $"the key of shared memory region '{name}' must name a POSIX shared memory object ('/name', one segment under /dev/shm), but {problem}");
        }

        if (offset > long.MaxValue)
        {
            return InferenceError.InvalidArgument($"the offset of shared memory region '{name}' is too large");
        }

        lock (_lock)
        {
            if (_regions.ContainsKey(name))
            {
                return AlreadyRegistered(name);
            }
        }

        error = SharedMemoryMapping.TryOpen(name, key, out var mapping);
        if (error.IsError)
        {
            return error;
        }

        if (!SharedMemoryBounds.Fits(mapping!.Length, (long)offset, (long)byteSize))
        {
            mapping.Unmap();
            return InferenceError.InvalidArgument(
                $"shared memory region '{name}' (offset {offset}, byte_size {byteSize}) does not fit in its shared memory object of {mapping.Length} bytes");
        }

        var region = new SharedMemoryRegion(name, SharedMemoryKind.System, key, (long)offset, (long)byteSize, 0, mapping);
        lock (_lock)
        {
            if (_disposed || !_regions.TryAdd(name, region))
            {
                region.Release();
                return _disposed ? InferenceError.Unavailable("the server is shutting down") : AlreadyRegistered(name);
            }
        }

        return InferenceError.None;
    }

    /// <summary>
    /// Registers GPU memory another process exported (<c>cudaIpcGetMemHandle</c>). Refused with a reason on a server
    /// without a GPU; with one, opening the handle is not wired into the request path yet, so it is refused too.
    /// </summary>
    public InferenceError RegisterCuda(string name, ReadOnlySpan<byte> rawHandle, long deviceId, ulong byteSize)
    {
        var error = CheckRegistration(name, byteSize);
        if (error.IsError)
        {
            return error;
        }

        if (!HasGpu)
        {
            return new InferenceError(InferenceErrorCode.FailedPrecondition, NoGpuMessage);
        }

        if (rawHandle.Length != CudaIpcHandleSize)
        {
            return InferenceError.InvalidArgument(
                $"raw_handle of CUDA shared memory region '{name}' must be a {CudaIpcHandleSize}-byte cudaIpcMemHandle_t, got {rawHandle.Length} bytes");
        }

        if (deviceId < 0)
        {
            return InferenceError.InvalidArgument($"device_id of CUDA shared memory region '{name}' must be >= 0");
        }

        return InferenceError.Unsupported("CUDA shared memory regions are not served by this server yet; use system shared memory");
    }

    /// <summary>Unregisters the region <paramref name="name"/> of <paramref name="kind"/>, or every region of that kind when empty. An unknown name is no error (Triton's rule).</summary>
    public InferenceError Unregister(string name, SharedMemoryKind kind)
    {
        if (!AllowsRegistration)
        {
            return InferenceError.PermissionDenied(DisabledMessage);
        }

        List<SharedMemoryRegion> removed = [];
        lock (_lock)
        {
            foreach (var region in _regions.Values)
            {
                if (region.Kind == kind && (name.Length == 0 || region.Name == name))
                {
                    removed.Add(region);
                }
            }

            foreach (var region in removed)
            {
                _regions.Remove(region.Name);
            }
        }

        foreach (var region in removed)
        {
            region.Release();
        }

        return InferenceError.None;
    }

    /// <summary>The regions of <paramref name="kind"/>, or the one named (NOT_FOUND when it is not registered).</summary>
    public InferenceError Status(string name, SharedMemoryKind kind, out IReadOnlyList<SharedMemoryRegionStatus> regions)
    {
        lock (_lock)
        {
            if (name.Length > 0)
            {
                regions = [];
                return _regions.TryGetValue(name, out var region) && region.Kind == kind
                    ? Found(region, out regions)
                    : NotRegistered(name);
            }

            regions = [.. _regions.Values.Where(r => r.Kind == kind).OrderBy(r => r.Name, StringComparer.Ordinal).Select(r => r.Status)];
            return InferenceError.None;
        }

        static InferenceError Found(SharedMemoryRegion region, out IReadOnlyList<SharedMemoryRegionStatus> regions)
        {
            regions = [region.Status];
            return InferenceError.None;
        }
    }

    /// <summary>
    /// Holds the part of a region a tensor names, checked against the region: the request owns the lease, and the region
    /// stays mapped until the lease is disposed even if it is unregistered meanwhile.
    /// </summary>
    /// <param name="tensor">Names the tensor in messages ("input 'x'").</param>
    public InferenceError Hold(in SharedMemoryReference reference, string tensor, out SharedMemoryLease? lease)
    {
        lease = null;
        SharedMemoryRegion? region;
        lock (_lock)
        {
            if (!_regions.TryGetValue(reference.Region, out region) || !region.TryHold())
            {
                return NotRegistered(reference.Region);
            }
        }

        if (region.Kind != SharedMemoryKind.System)
        {
            region.Release();
            return InferenceError.Unsupported($"{tensor}: CUDA shared memory region '{reference.Region}' cannot be used by this server");
        }

        if (!SharedMemoryBounds.Fits(region.ByteSize, reference.Offset, reference.ByteSize))
        {
            region.Release();
            return InferenceError.InvalidArgument(
                $"{tensor}: shared_memory_offset {reference.Offset} and shared_memory_byte_size {reference.ByteSize} fall outside shared memory region '{reference.Region}' of {region.ByteSize} bytes");
        }

        if (reference.ByteSize > Array.MaxLength)
        {
            region.Release();
            return new InferenceError(InferenceErrorCode.PayloadTooLarge,
                $"{tensor}: shared_memory_byte_size {reference.ByteSize} is above the per-tensor limit of {Array.MaxLength} bytes");
        }

        if (!region.StillCovered())
        {
            region.Release();
            return InferenceError.InvalidArgument(
                $"{tensor}: the shared memory object of region '{reference.Region}' is now smaller than the region; register it again");
        }

        lease = new SharedMemoryLease(region, reference.Offset, (int)reference.ByteSize);
        return InferenceError.None;
    }

    /// <summary>The region registered as <paramref name="name"/>, or null (tests observe a region's holders through it).</summary>
    internal SharedMemoryRegion? Find(string name)
    {
        lock (_lock)
        {
            return _regions.GetValueOrDefault(name);
        }
    }

    /// <summary>Unregisters everything (shutdown); regions still held by requests are unmapped when those finish.</summary>
    public void Dispose()
    {
        List<SharedMemoryRegion> removed;
        lock (_lock)
        {
            _disposed = true;
            removed = [.. _regions.Values];
            _regions.Clear();
        }

        foreach (var region in removed)
        {
            region.Release();
        }
    }

    private InferenceError CheckRegistration(string name, ulong byteSize)
    {
        if (!AllowsRegistration)
        {
            return InferenceError.PermissionDenied(DisabledMessage);
        }

        if (name.Length == 0)
        {
            return InferenceError.InvalidArgument("a shared memory region needs a name");
        }

        return byteSize is 0 or > long.MaxValue
            ? InferenceError.InvalidArgument($"byte_size of shared memory region '{name}' must be between 1 and {long.MaxValue}")
            : InferenceError.None;
    }

    private InferenceError NotRegistered(string name) => InferenceError.NotFound(AllowsRegistration
        ? $"unable to find shared memory region: '{name}'"
        : $"unable to find shared memory region: '{name}' ({DisabledMessage})");

    private static InferenceError AlreadyRegistered(string name) =>
        new(InferenceErrorCode.AlreadyExists, $"shared memory region '{name}' is already registered; unregister it first");
}
