using System.Text;
using InferenceServer.Cuda.Interop;

namespace InferenceServer.Cuda;

/// <summary>Compiled GPU code loaded into a context (from PTX, see <see cref="CudaContext.LoadModule"/>).</summary>
public sealed unsafe class CudaModule : IDisposable
{
    private readonly CudaContext _context;
    private nint _handle;

    internal CudaModule(CudaContext context, nint handle)
    {
        _context = context;
        _handle = handle;
    }

    /// <summary>The kernel named <paramref name="name"/> (its <c>.entry</c> name in the PTX).</summary>
    public CudaKernel GetKernel(string name)
    {
        _context.MakeCurrent();
        var bytes = Encoding.UTF8.GetBytes(name + "\0");
        nint function;
        fixed (byte* text = bytes)
        {
            CudaDriver.Check(CudaDriverNative.cuModuleGetFunction(&function, _handle, text), "cuModuleGetFunction");
        }

        return new CudaKernel(_context, function, name);
    }

    public void Dispose()
    {
        var handle = Interlocked.Exchange(ref _handle, 0);
        if (handle != 0)
        {
            _context.MakeCurrent();
            CudaDriver.Check(CudaDriverNative.cuModuleUnload(handle), "cuModuleUnload");
        }
    }
}
