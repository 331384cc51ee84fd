using InferenceServer.Cuda.Interop;

namespace InferenceServer.Cuda;

/// <summary>A kernel of a loaded <see cref="CudaModule"/>, valid while the module is.</summary>
public sealed unsafe class CudaKernel
{
    private readonly CudaContext _context;
    private readonly nint _function;

    internal CudaKernel(CudaContext context, nint function, string name)
    {
        _context = context;
        _function = function;
        Name = name;
    }

    public string Name { get; }

    /// <summary>
    /// Queues the kernel on <paramref name="stream"/> over a one-dimensional grid.
    /// <paramref name="arguments"/> holds one pointer per kernel parameter, each to the parameter's value
    /// (the driver copies the values before this returns).
    /// </summary>
    public void Launch(CudaStream stream, uint blocks, uint threadsPerBlock, void** arguments)
    {
        _context.MakeCurrent();
        CudaDriver.Check(
            CudaDriverNative.cuLaunchKernel(_function, blocks, 1, 1, threadsPerBlock, 1, 1, 0, stream.Handle, arguments, null),
            $"cuLaunchKernel({Name})");
    }
}
