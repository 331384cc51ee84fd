using System.Diagnostics;

namespace InferenceServer.Benchmarks.Budgets;

/// <summary>
/// Bytes allocated per operation by one benchmark method, called directly: a warm-up first (so one-time
/// allocations — pools filling, lazily made sketches, first-call initialisation — are behind), then
/// <see cref="Rounds"/> measured rounds. A synchronous method is counted with
/// <see cref="GC.GetAllocatedBytesForCurrentThread"/> (exact, immune to other threads); one returning a task with
/// <see cref="GC.GetTotalAllocatedBytes(bool)"/> (precise, every thread), because its continuations run on the
/// thread pool. Every round is kept: the check compares the smallest, so a round that some other thread's
/// allocation landed in does not fail it, while a real regression, present in every round, does.
/// </summary>
internal static class AllocationMeter
{
    public const int Rounds = 3;

    private static readonly TimeSpan WarmupTime = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan RoundTime = TimeSpan.FromMilliseconds(100);
    private const int MinWarmupOperations = 2_000;
    private const int MinRoundOperations = 1_000;

    public static double[] Measure(Action invoke, int operationsPerInvoke, bool awaitable)
    {
        Run(invoke, operationsPerInvoke, WarmupTime, MinWarmupOperations, awaitable);
        var rounds = new double[Rounds];
        for (var i = 0; i < rounds.Length; i++)
        {
            rounds[i] = Run(invoke, operationsPerInvoke, RoundTime, MinRoundOperations, awaitable);
        }

        return rounds;
    }

    // Calls in batches of a fixed count between clock reads, so the clock and the loop do not allocate;
    // returns bytes per operation.
    private static double Run(Action invoke, int operationsPerInvoke, TimeSpan duration, int minOperations, bool awaitable)
    {
        var minInvokes = Math.Max(1, minOperations / operationsPerInvoke);
        const int Batch = 8;
        long invokes = 0;
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var before = awaitable ? GC.GetTotalAllocatedBytes(precise: true) : GC.GetAllocatedBytesForCurrentThread();
        do
        {
            for (var i = 0; i < Batch; i++)
            {
                invoke();
            }

            invokes += Batch;
        }
        while (invokes < minInvokes || Stopwatch.GetTimestamp() < end);

        var after = awaitable ? GC.GetTotalAllocatedBytes(precise: true) : GC.GetAllocatedBytesForCurrentThread();
        return (after - before) / (double)(invokes * operationsPerInvoke);
    }
}
