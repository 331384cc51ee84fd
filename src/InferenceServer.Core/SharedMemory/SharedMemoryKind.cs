namespace InferenceServer.Core.SharedMemory;

/// <summary>Where a registered region's bytes live. Both kinds share one namespace of region names, as in Triton.</summary>
public enum SharedMemoryKind
{
    /// <summary>A POSIX shared-memory object (<c>/dev/shm</c>) the server maps.</summary>
    System,

    /// <summary>GPU memory exported by a client process as a <c>cudaIpcMemHandle_t</c>.</summary>
    Cuda,
}
