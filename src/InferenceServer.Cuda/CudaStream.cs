using InferenceServer.Cuda.Interop;

namespace InferenceServer.Cuda;

/// <summary>
/// A CUDA stream: work queued on it runs in order, and work on different streams may overlap (a copy on
/// one beside a kernel on another). Every copy here is asynchronous: it returns once queued, and the
/// host memory it reads or writes must stay valid (and, for real overlap, page-locked) until the stream
/// has passed it — <see cref="Synchronize"/> or an event recorded after it says when.
/// </summary>
public sealed unsafe class CudaStream : IDisposable
{
    private readonly CudaContext _context;
    private nint _handle;

    internal CudaStream(CudaContext context, nint handle)
    {
        _context = context;
        _handle = handle;
    }

    /// <summary>The CUstream (what ONNX Runtime's <c>user_compute_stream</c> option takes).</summary>
    public nint Handle => _handle;

    public CudaContext Context => _context;

    public void CopyHostToDevice(ulong destination, void* source, nuint bytes)
    {
        _context.MakeCurrent();
        CudaDriver.Check(CudaDriverNative.cuMemcpyHtoDAsync_v2(destination, source, bytes, _handle), "cuMemcpyHtoDAsync_v2");
    }

    public void CopyDeviceToHost(void* destination, ulong source, nuint bytes)
    {
        _context.MakeCurrent();
        CudaDriver.Check(CudaDriverNative.cuMemcpyDtoHAsync_v2(destination, source, bytes, _handle), "cuMemcpyDtoHAsync_v2");
    }

    public void CopyDeviceToDevice(ulong destination, ulong source, nuint bytes)
    {
        _context.MakeCurrent();
        CudaDriver.Check(CudaDriverNative.cuMemcpyDtoDAsync_v2(destination, source, bytes, _handle), "cuMemcpyDtoDAsync_v2");
    }

    public void Fill(ulong destination, byte value, nuint bytes)
    {
        _context.MakeCurrent();
        CudaDriver.Check(CudaDriverNative.cuMemsetD8Async(destination, value, bytes, _handle), "cuMemsetD8Async");
    }

    /// <summary>Makes work queued on this stream after this call wait until <paramref name="event"/> has completed.</summary>
    public void WaitFor(CudaEvent @event)
    {
        _context.MakeCurrent();
        CudaDriver.Check(CudaDriverNative.cuStreamWaitEvent(_handle, @event.Handle, 0), "cuStreamWaitEvent");
    }

    /// <summary>Blocks the calling thread until everything queued on the stream has run.</summary>
    public void Synchronize()
    {
        _context.MakeCurrent();
        CudaDriver.Check(CudaDriverNative.cuStreamSynchronize(_handle), "cuStreamSynchronize");
    }

    public void Dispose()
    {
        var handle = Interlocked.Exchange(ref _handle, 0);
        if (handle != 0)
        {
            _context.MakeCurrent();
            CudaDriver.Check(CudaDriverNative.cuStreamDestroy_v2(handle), "cuStreamDestroy_v2");
        }
    }
}
