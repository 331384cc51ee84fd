using System.Runtime.InteropServices;

namespace InferenceServer.LoadTool.Load;

/// <summary>
/// libc's <c>nanosleep</c>: sleeps with the kernel's timer precision (tens of microseconds) where
/// <see cref="Thread.Sleep(int)"/> rounds to milliseconds, which would delay every open-loop send by up
/// to a millisecond and charge that to the server's latency.
/// </summary>
internal static partial class Nanosleep
{
    public static bool IsSupported { get; } = OperatingSystem.IsLinux();

    public static void Sleep(long nanoseconds)
    {
        var request = new Timespec { Seconds = nanoseconds / 1_000_000_000, Nanoseconds = nanoseconds % 1_000_000_000 };

        // An interrupted sleep (EINTR) returns early; the caller re-checks the time and sleeps again.
        _ = NativeSleep(in request, IntPtr.Zero);
    }

    [LibraryImport("libc", EntryPoint = "nanosleep")]
    private static partial int NativeSleep(in Timespec request, IntPtr remaining);

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
