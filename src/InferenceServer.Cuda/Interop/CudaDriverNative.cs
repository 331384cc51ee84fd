using System.Runtime.InteropServices;

namespace InferenceServer.Cuda.Interop;

/// <summary>
/// The CUDA driver API calls the server uses (<c>cuda.h</c>), bound at run time: the binary never links
/// against <c>libcuda.so.1</c>, and these stubs resolve it only on their first call, which happens only
/// after <see cref="CudaDriver.TryLoad"/> found the library. Every call returns a CUresult (0 = success);
/// <see cref="CudaDriver.Check"/> turns the rest into a <see cref="CudaException"/>.
/// </summary>
/// <remarks>
/// Names carry the <c>_v2</c> suffix where <c>cuda.h</c> maps the plain name to it (64-bit sizes and
/// pointers); the plain symbols are kept by the driver for old binaries only.
/// Handle types: CUdevice is an int; CUcontext, CUstream, CUevent, CUmodule and CUfunction are opaque
/// pointers; CUdeviceptr is an unsigned 64-bit device address.
/// </remarks>
internal static unsafe partial class CudaDriverNative
{
    public const string Library = "libcuda.so.1";

    [LibraryImport(Library)]
    public static partial int cuInit(uint flags);

    [LibraryImport(Library)]
    public static partial int cuDriverGetVersion(int* version);

    [LibraryImport(Library)]
    public static partial int cuGetErrorName(int result, byte** name);

    [LibraryImport(Library)]
    public static partial int cuGetErrorString(int result, byte** description);

    [LibraryImport(Library)]
    public static partial int cuDeviceGetCount(int* count);

    [LibraryImport(Library)]
    public static partial int cuDeviceGet(int* device, int ordinal);

    [LibraryImport(Library)]
    public static partial int cuDeviceGetName(byte* name, int length, int device);

    [LibraryImport(Library)]
    public static partial int cuDeviceGetPCIBusId(byte* busId, int length, int device);

    [LibraryImport(Library)]
    public static partial int cuDeviceGetAttribute(int* value, CudaDeviceAttribute attribute, int device);

    [LibraryImport(Library)]
    public static partial int cuDeviceTotalMem_v2(nuint* bytes, int device);

    [LibraryImport(Library)]
    public static partial int cuDevicePrimaryCtxRetain(nint* context, int device);

    [LibraryImport(Library)]
    public static partial int cuDevicePrimaryCtxRelease_v2(int device);

    [LibraryImport(Library)]
    public static partial int cuCtxSetCurrent(nint context);

    [LibraryImport(Library)]
    public static partial int cuCtxSynchronize();

    [LibraryImport(Library)]
    public static partial int cuMemGetInfo_v2(nuint* free, nuint* total);

    [LibraryImport(Library)]
    public static partial int cuStreamCreate(nint* stream, uint flags);

    [LibraryImport(Library)]
    public static partial int cuStreamDestroy_v2(nint stream);

    [LibraryImport(Library)]
    public static partial int cuStreamSynchronize(nint stream);

    [LibraryImport(Library)]
    public static partial int cuStreamWaitEvent(nint stream, nint @event, uint flags);

    [LibraryImport(Library)]
    public static partial int cuEventCreate(nint* @event, uint flags);

    [LibraryImport(Library)]
    public static partial int cuEventRecord(nint @event, nint stream);

    [LibraryImport(Library)]
    public static partial int cuEventSynchronize(nint @event);

    [LibraryImport(Library)]
    public static partial int cuEventElapsedTime(float* milliseconds, nint start, nint end);

    [LibraryImport(Library)]
    public static partial int cuEventDestroy_v2(nint @event);

    [LibraryImport(Library)]
    public static partial int cuMemAlloc_v2(ulong* address, nuint bytes);

    [LibraryImport(Library)]
    public static partial int cuMemFree_v2(ulong address);

    [LibraryImport(Library)]
    public static partial int cuMemHostAlloc(void** pointer, nuint bytes, uint flags);

    [LibraryImport(Library)]
    public static partial int cuMemFreeHost(void* pointer);

    [LibraryImport(Library)]
    public static partial int cuMemcpyHtoDAsync_v2(ulong destination, void* source, nuint bytes, nint stream);

    [LibraryImport(Library)]
    public static partial int cuMemcpyDtoHAsync_v2(void* destination, ulong source, nuint bytes, nint stream);

    [LibraryImport(Library)]
    public static partial int cuMemcpyDtoDAsync_v2(ulong destination, ulong source, nuint bytes, nint stream);

    [LibraryImport(Library)]
    public static partial int cuMemsetD8Async(ulong destination, byte value, nuint count, nint stream);

    [LibraryImport(Library)]
    public static partial int cuModuleLoadDataEx(nint* module, void* image, uint optionCount, int* options, void** optionValues);

    [LibraryImport(Library)]
    public static partial int cuModuleGetFunction(nint* function, nint module, byte* name);

    [LibraryImport(Library)]
    public static partial int cuModuleUnload(nint module);

    [LibraryImport(Library)]
    public static partial int cuLaunchKernel(
        nint function,
        uint gridX,
        uint gridY,
        uint gridZ,
        uint blockX,
        uint blockY,
        uint blockZ,
        uint sharedMemoryBytes,
        nint stream,
        void** parameters,
        void** extra);

    /// <summary>
    /// Maps GPU memory another process exported with <c>cuIpcGetMemHandle</c> (CUDA shared memory); <paramref name="flags"/>
    /// is <see cref="CudaConstants.IpcLazyEnablePeerAccess"/>. The handle is passed by value, as <c>cuda.h</c> declares it.
    /// </summary>
    [LibraryImport(Library, EntryPoint = "cuIpcOpenMemHandle_v2")]
    public static partial int cuIpcOpenMemHandle(ulong* devicePointer, CudaIpcMemHandle handle, uint flags);

    /// <summary>Unmaps memory opened by <see cref="cuIpcOpenMemHandle"/>.</summary>
    [LibraryImport(Library)]
    public static partial int cuIpcCloseMemHandle(ulong devicePointer);
}
