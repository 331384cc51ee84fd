using InferenceServer.Core.Memory;
using InferenceServer.Cuda;
using InferenceServer.OnnxRuntime.Gpu;

namespace InferenceServer.GpuChecks;

/// <summary>
/// The server's two pools on real memory: the pinned tensor pool over page-locked host memory and the
/// GPU's device-memory pool over cuMemAlloc, with the same lease discipline. Batches of several sizes go
/// host → device → host on one stream through leases of both; the bytes must come back intact, reused
/// blocks must be reused, and after the leases are returned and the pools disposed nothing is outstanding.
/// </summary>
internal static unsafe class PoolCheck
{
    public static void Run(CudaContext context, CheckReport report)
    {
        using var stream = context.CreateStream();
        var pinned = new PinnedBufferPool(byteBudget: 64L << 20, debug: true, allocator: new PageLockedHostAllocator(context));
        var device = new DeviceMemoryPool(new CudaDeviceAllocator(context), byteBudget: 32L << 20, debug: true);
        var intact = true;
        var random = new Random(41);
        foreach (var bytes in new[] { 4096, 1 << 20, 3 << 20, 1 << 20, 48 << 20 })
        {
            using var source = pinned.Rent(bytes);
            using var destination = pinned.Rent(bytes);
            using var onDevice = device.Rent(bytes);
            random.NextBytes(source.Span);
            destination.Span.Clear();
            stream.CopyHostToDevice((ulong)onDevice.Address, (void*)source.Pointer, (nuint)bytes);
            stream.CopyDeviceToHost((void*)destination.Pointer, (ulong)onDevice.Address, (nuint)bytes);
            stream.Synchronize();
            intact &= source.Span.SequenceEqual(destination.Span);
        }

        var outstanding = pinned.OutstandingCount + device.OutstandingCount;
        var overflow = device.OverflowCount;
        pinned.Dispose();
        device.Dispose();
        report.Check(
            "pinned (page-locked) and device pools on the GPU",
            intact && outstanding == 0 && overflow == 1,
            $"bytes intact: {intact}; leases outstanding after return: {outstanding}; device overflow rents (48 MiB over a 32 MiB budget): {overflow}");
    }
}
