using InferenceServer.Cuda.Interop;

namespace InferenceServer.Cuda;

/// <summary>A marker in a stream: recorded when the stream reaches it, waited on, or timed against another.</summary>
public sealed unsafe class CudaEvent : IDisposable
{
    private readonly CudaContext _context;
    private nint _handle;

    internal CudaEvent(CudaContext context, nint handle)
    {
        _context = context;
        _handle = handle;
    }

    public nint Handle => _handle;

    /// <summary>Marks the point after everything queued so far on <paramref name="stream"/>.</summary>
    public void Record(CudaStream stream)
    {
        _context.MakeCurrent();
        CudaDriver.Check(CudaDriverNative.cuEventRecord(_handle, stream.Handle), "cuEventRecord");
    }

    /// <summary>Blocks until the stream has passed the recorded point.</summary>
    public void Synchronize()
    {
        _context.MakeCurrent();
        CudaDriver.Check(CudaDriverNative.cuEventSynchronize(_handle), "cuEventSynchronize");
    }

    /// <summary>GPU time between two completed events (resolution about half a microsecond).</summary>
    public static float ElapsedMilliseconds(CudaEvent start, CudaEvent end)
    {
        start._context.MakeCurrent();
        float milliseconds;
        CudaDriver.Check(CudaDriverNative.cuEventElapsedTime(&milliseconds, start._handle, end._handle), "cuEventElapsedTime");
        return milliseconds;
    }

    public void Dispose()
    {
        var handle = Interlocked.Exchange(ref _handle, 0);
        if (handle != 0)
        {
            _context.MakeCurrent();
            CudaDriver.Check(CudaDriverNative.cuEventDestroy_v2(handle), "cuEventDestroy_v2");
        }
    }
}
