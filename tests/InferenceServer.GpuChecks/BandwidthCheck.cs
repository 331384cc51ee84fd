using System.Diagnostics;
using InferenceServer.Cuda;

namespace InferenceServer.GpuChecks;

/// <summary>
/// Host↔device copy bandwidth from page-locked and from pageable memory, against the device's own
/// copy bandwidth (device to device, bytes read plus bytes written). Page-locked memory is what the
/// server's pinned pool hands the GPU path; the check passes when it copies faster than pageable memory
/// in both directions, and the copied bytes arrive intact.
/// </summary>
internal static unsafe class BandwidthCheck
{
    private const long Bytes = 256L << 20;
    private const int Repeats = 5;

    public static void Run(CudaContext context, CheckReport report)
    {
        using var stream = context.CreateStream();
        using var pinned = HostBuffer.PageLocked(context, Bytes);
        using var pageable = HostBuffer.Pageable(Bytes);
        using var device = new DeviceBlock(context, Bytes);
        using var device2 = new DeviceBlock(context, Bytes);
        Fill(pinned);
        Fill(pageable);

        var pinnedIn = Median(() => stream.CopyHostToDevice(device.Address, pinned.Pointer, (nuint)Bytes), stream);
        var pageableIn = Median(() => stream.CopyHostToDevice(device.Address, pageable.Pointer, (nuint)Bytes), stream);
        var pinnedOut = Median(() => stream.CopyDeviceToHost(pinned.Pointer, device.Address, (nuint)Bytes), stream);
        var pageableOut = Median(() => stream.CopyDeviceToHost(pageable.Pointer, device.Address, (nuint)Bytes), stream);
        var deviceCopy = Median(() => stream.CopyDeviceToDevice(device2.Address, device.Address, (nuint)Bytes), stream);

        var intact = pinned.Bytes(0, (int)Bytes).SequenceEqual(pageable.Bytes(0, (int)Bytes));
        report.Result(
            "bandwidth",
            ("bytes", Bytes),
            ("h2d_pinned_gbs", Rate(Bytes, pinnedIn)),
            ("h2d_pageable_gbs", Rate(Bytes, pageableIn)),
            ("d2h_pinned_gbs", Rate(Bytes, pinnedOut)),
            ("d2h_pageable_gbs", Rate(Bytes, pageableOut)),
            ("d2d_gbs_read_plus_written", Rate(2 * Bytes, deviceCopy)));
        report.Check(
            "page-locked copies beat pageable copies",
            pinnedIn < pageableIn && pinnedOut < pageableOut,
            $"h2d {Rate(Bytes, pinnedIn):0.0} vs {Rate(Bytes, pageableIn):0.0} GB/s, d2h {Rate(Bytes, pinnedOut):0.0} vs {Rate(Bytes, pageableOut):0.0} GB/s; device copy {Rate(2 * Bytes, deviceCopy):0} GB/s (read + written)");
        report.Check("copied bytes intact (device to page-locked and to pageable)", intact, intact ? "identical" : "the two host copies of the device buffer differ");
    }

    private static void Fill(HostBuffer buffer)
    {
        var random = new Random(17);
        random.NextBytes(buffer.Bytes(0, (int)buffer.Length));
    }

    /// <summary>Median wall time of <see cref="Repeats"/> copies after one warm-up, each waited for.</summary>
    private static double Median(Action copy, CudaStream stream)
    {
        copy();
        stream.Synchronize();
        var times = new double[Repeats];
        for (var i = 0; i < Repeats; i++)
        {
            var start = Stopwatch.GetTimestamp();
            copy();
            stream.Synchronize();
            times[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }

        Array.Sort(times);
        return times[Repeats / 2];
    }

    private static double Rate(long bytes, double seconds) => bytes / seconds / 1e9;
}
