using InferenceServer.Core.Memory;
using InferenceServer.Core.Tensors;

namespace InferenceServer.OnnxRuntime;

/// <summary>
/// Where one input's bytes are in host memory, with the shape ONNX Runtime is to see, for the tensor made over
/// them and for the copy to a GPU. <see cref="HostOnly"/>: a BYTES tensor, which stays on the host.
/// </summary>
internal readonly record struct HostTensor(nint Address, long Bytes, DataType DataType, long[] Shape)
{
    // ONNX Runtime wants a non-null address even for a zero-size tensor.
    public static readonly nint EmptyAddress = AllocateEmptyAddress();

    public static HostTensor HostOnly => new(0, -1, DataType.Bytes, []);

    /// <summary>The address to give ONNX Runtime for <paramref name="buffer"/>'s bytes.</summary>
    public static nint AddressOf(PinnedBuffer buffer) => buffer.Length == 0 ? EmptyAddress : buffer.Pointer;

    private static unsafe nint AllocateEmptyAddress() => (nint)System.Runtime.InteropServices.NativeMemory.AlignedAlloc(64, 64);
}
