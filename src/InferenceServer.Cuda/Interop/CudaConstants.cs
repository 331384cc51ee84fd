namespace InferenceServer.Cuda.Interop;

/// <summary>Flag and option values from <c>cuda.h</c> used by the wrappers.</summary>
internal static class CudaConstants
{
    /// <summary><c>CUDA_SUCCESS</c>.</summary>
    public const int Success = 0;

    /// <summary><c>CUDA_ERROR_NOT_READY</c>: an event or stream query found work still running.</summary>
    public const int NotReady = 600;

    /// <summary><c>CU_STREAM_NON_BLOCKING</c>: the stream does not synchronise with the legacy default stream.</summary>
    public const uint StreamNonBlocking = 0x1;

    /// <summary><c>CU_EVENT_DEFAULT</c>: an event that records timing.</summary>
    public const uint EventDefault = 0x0;

    /// <summary><c>CU_EVENT_DISABLE_TIMING</c>: a cheaper event used only for ordering.</summary>
    public const uint EventDisableTiming = 0x2;

    /// <summary><c>CU_MEMHOSTALLOC_PORTABLE</c>: page-locked memory usable from every context, not only the allocating one.</summary>
    public const uint HostAllocPortable = 0x1;

    /// <summary><c>CU_JIT_ERROR_LOG_BUFFER</c>.</summary>
    public const int JitErrorLogBuffer = 5;

    /// <summary><c>CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES</c>.</summary>
    public const int JitErrorLogBufferSizeBytes = 6;

    /// <summary><c>CU_IPC_MEM_LAZY_ENABLE_PEER_ACCESS</c>: the only flag <c>cuIpcOpenMemHandle</c> takes.</summary>
    public const uint IpcLazyEnablePeerAccess = 0x1;
}
