using System.Diagnostics;
using System.Globalization;

namespace InferenceServer.Benchmarks.Diagnostics;

/// <summary>
/// <c>--wake-latency</c>: the one-way cost of the two thread hops a request makes at concurrency 1, on this machine,
/// with nothing else in the way. (1) A thread blocked in <see cref="Monitor.Wait(object)"/> woken by
/// <see cref="Monitor.Pulse"/> — the scheduler's enqueue waking an idle instance thread (the server's queue time at
/// low load). (2) A work item queued to an idle thread pool — the instance thread completing a request whose
/// continuation runs on the pool (<c>RunContinuationsAsynchronously</c>). One event every 100 µs, one at a time,
/// as a closed-loop client at concurrency 1 sends them; the first 1,000 of each are dropped.
/// </summary>
internal static class WakeLatency
{
    public const string Flag = "--wake-latency";

    private const int Samples = 20_000;
    private const int Skipped = 1_000;
    private static readonly long Gap = Stopwatch.Frequency / 10_000;

    public static void Run()
    {
        Console.WriteLine($"One-way wake-up latency at idle, {Samples - Skipped} events 100 µs apart, {Environment.ProcessorCount} cores");
        Report("Monitor.Pulse -> blocked Monitor.Wait returns", MonitorHop());
        Report("ThreadPool.UnsafeQueueUserWorkItem -> item starts", ThreadPoolHop());
    }

    private static long[] MonitorHop()
    {
        var gate = new object();
        var ticks = new long[Samples];
        long pulsedAt = 0;
        var pending = false;
        var waiter = new Thread(() =>
        {
            for (var i = 0; i < Samples; i++)
            {
                lock (gate)
                {
                    while (!pending)
                    {
                        Monitor.Wait(gate);
                    }

                    ticks[i] = Stopwatch.GetTimestamp() - pulsedAt;
                    pending = false;
                    Monitor.Pulse(gate);
                }
            }
        });
        waiter.Start();
        for (var i = 0; i < Samples; i++)
        {
            Pause();
            lock (gate)
            {
                pulsedAt = Stopwatch.GetTimestamp();
                pending = true;
                Monitor.Pulse(gate);

                // One event at a time: the next waits until this one was taken.
                while (pending)
                {
                    Monitor.Wait(gate);
                }
            }
        }

        waiter.Join();
        return ticks;
    }

    private static long[] ThreadPoolHop()
    {
        var ticks = new long[Samples];
        using var done = new ManualResetEventSlim();
        var producer = new Thread(() =>
        {
            for (var i = 0; i < Samples; i++)
            {
                Pause();
                done.Reset();
                var index = i;
                var queuedAt = Stopwatch.GetTimestamp();
                ThreadPool.UnsafeQueueUserWorkItem(
                    _ =>
                    {
                        ticks[index] = Stopwatch.GetTimestamp() - queuedAt;
                        done.Set();
                    },
                    null);
                done.Wait();
            }
        });
        producer.Start();
        producer.Join();
        return ticks;
    }

    // About 100 µs without blocking, so the producing thread is awake when it signals, as a request thread is.
    private static void Pause()
    {
        var until = Stopwatch.GetTimestamp() + Gap;
        while (Stopwatch.GetTimestamp() < until)
        {
            Thread.Yield();
        }
    }

    private static void Report(string name, long[] ticks)
    {
        var microseconds = ticks.Skip(Skipped).Select(t => t * 1_000_000.0 / Stopwatch.Frequency).Order().ToArray();
        double At(double q) => microseconds[Math.Min(microseconds.Length - 1, (int)(q * microseconds.Length))];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: p50 {At(0.5):F1} µs, p90 {At(0.9):F1} µs, p99 {At(0.99):F1} µs"));
    }
}
