using System.Runtime.InteropServices;

namespace InferenceServer.Cuda.Interop;

/// <summary><c>CUipcMemHandle</c>: the 64 opaque bytes a process exports for another to map its GPU memory (a client's <c>raw_handle</c>).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct CudaIpcMemHandle
{
    public const int Size = 64;

    public fixed byte Reserved[Size];
}
