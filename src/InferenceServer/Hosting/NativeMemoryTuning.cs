using System.Runtime.InteropServices;

namespace InferenceServer.Hosting;

/// <summary>
/// Pins glibc's mmap threshold at 128 KiB. By default glibc raises the threshold after the first large free, so
/// the multi-megabyte buffers ONNX Runtime allocates per session then come from malloc arenas that keep what is
/// freed: RSS creeps up over load/unload cycles. With the threshold pinned, those buffers are mapped and unmapped
/// whole (perf/README.md, reload soak). Skipped when the operator set <c>MALLOC_MMAP_THRESHOLD_</c>, and on
/// C libraries without <c>mallopt</c>.
/// </summary>
internal static partial class NativeMemoryTuning
{
    private const int MmapThresholdOption = -3; // M_MMAP_THRESHOLD in malloc.h
    private const int MmapThresholdBytes = 128 * 1024;

    public static void Apply()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") is not null)
        {
            return;
        }

        try
        {
            _ = Mallopt(MmapThresholdOption, MmapThresholdBytes);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc (e.g. musl): its allocator has no such knob, nothing to do.
        }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int Mallopt(int option, int value);
}
