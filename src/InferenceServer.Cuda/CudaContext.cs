using System.Text;
using InferenceServer.Cuda.Interop;

namespace InferenceServer.Cuda;

/// <summary>
/// A GPU's primary context: the owner of its streams, events, modules and memory. Driver calls act on
/// the calling thread's current context, and the server's threads (model instances, the thread pool)
/// move between GPUs, so every call made through this type and the objects it creates first makes this
/// context current (<c>cuCtxSetCurrent</c>: a thread-local store, no synchronisation).
/// </summary>
public sealed unsafe class CudaContext
{
    internal CudaContext(int deviceOrdinal, nint handle)
    {
        DeviceOrdinal = deviceOrdinal;
        Handle = handle;
    }

    public int DeviceOrdinal { get; }

    /// <summary>The CUcontext.</summary>
    public nint Handle { get; }

    /// <summary>Makes this the calling thread's current context.</summary>
    public void MakeCurrent() => CudaDriver.Check(CudaDriverNative.cuCtxSetCurrent(Handle), "cuCtxSetCurrent");

    /// <summary>A stream that does not synchronise with the legacy default stream, so instances on one GPU never wait for each other.</summary>
    public CudaStream CreateStream()
    {
        MakeCurrent();
        nint stream;
        CudaDriver.Check(CudaDriverNative.cuStreamCreate(&stream, CudaConstants.StreamNonBlocking), "cuStreamCreate");
        return new CudaStream(this, stream);
    }

    /// <summary>An event; with <paramref name="timing"/> it can measure the time between two records.</summary>
    public CudaEvent CreateEvent(bool timing = true)
    {
        MakeCurrent();
        nint handle;
        CudaDriver.Check(CudaDriverNative.cuEventCreate(&handle, timing ? CudaConstants.EventDefault : CudaConstants.EventDisableTiming), "cuEventCreate");
        return new CudaEvent(this, handle);
    }

    /// <summary>Device memory (<c>cuMemAlloc</c>): at least 256-byte aligned.</summary>
    public ulong AllocateDevice(nuint bytes)
    {
        MakeCurrent();
        ulong address;
        CudaDriver.Check(CudaDriverNative.cuMemAlloc_v2(&address, Math.Max(bytes, 1)), "cuMemAlloc_v2");
        return address;
    }

    public void FreeDevice(ulong address)
    {
        MakeCurrent();
        CudaDriver.Check(CudaDriverNative.cuMemFree_v2(address), "cuMemFree_v2");
    }

    /// <summary>
    /// Page-locked host memory (<c>cuMemHostAlloc</c>, portable to every context): the DMA engines read and
    /// write it directly, so an asynchronous copy from it overlaps with kernels and runs at full link speed,
    /// where a copy from pageable memory is staged through a driver buffer. Page aligned.
    /// </summary>
    public void* AllocatePageLocked(nuint bytes)
    {
        MakeCurrent();
        void* pointer;
        CudaDriver.Check(CudaDriverNative.cuMemHostAlloc(&pointer, Math.Max(bytes, 1), CudaConstants.HostAllocPortable), "cuMemHostAlloc");
        return pointer;
    }

    public void FreePageLocked(void* pointer)
    {
        MakeCurrent();
        CudaDriver.Check(CudaDriverNative.cuMemFreeHost(pointer), "cuMemFreeHost");
    }

    /// <summary>Free and total memory of this GPU, all processes counted.</summary>
    public CudaMemoryInfo MemoryInfo()
    {
        MakeCurrent();
        nuint free, total;
        CudaDriver.Check(CudaDriverNative.cuMemGetInfo_v2(&free, &total), "cuMemGetInfo_v2");
        return new CudaMemoryInfo((long)free, (long)total);
    }

    /// <summary>Waits until all work queued on this GPU by this context has finished.</summary>
    public void Synchronize()
    {
        MakeCurrent();
        CudaDriver.Check(CudaDriverNative.cuCtxSynchronize(), "cuCtxSynchronize");
    }

    /// <summary>Loads a module from PTX text; the driver compiles it for this GPU. A compile error carries the compiler's log.</summary>
    public CudaModule LoadModule(string ptx)
    {
        MakeCurrent();
        var image = Encoding.UTF8.GetBytes(ptx + "\0");
        const int LogBytes = 8192;
        var log = stackalloc byte[LogBytes];
        var options = stackalloc int[] { CudaConstants.JitErrorLogBuffer, CudaConstants.JitErrorLogBufferSizeBytes };
        var values = stackalloc void*[] { log, (void*)LogBytes };
        nint module;
        int result;
        fixed (byte* source = image)
        {
            result = CudaDriverNative.cuModuleLoadDataEx(&module, source, 2, options, values);
        }

        if (result != CudaConstants.Success)
        {
            var error = CudaDriver.Error(result, "cuModuleLoadDataEx");
            var compilerLog = System.Runtime.InteropServices.Marshal.PtrToStringUTF8((nint)log) ?? string.Empty;
            throw compilerLog.Length == 0 ? error : new CudaException(error.Call, error.Result, error.ErrorName, compilerLog.Trim());
        }

        return new CudaModule(this, module);
    }
}
