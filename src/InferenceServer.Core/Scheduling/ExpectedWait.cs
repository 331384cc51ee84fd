namespace InferenceServer.Core.Scheduling;

/// <summary>
/// How long a request arriving now would wait in the queue before an instance takes it, from the queue ahead of it and
/// the measured execution time (<see cref="ExecutionCostModel"/>): the executions that must finish first — the rows
/// ahead in full batches, or one execution per request ahead without batching — spread evenly over the instances, each
/// at the measured cost of a full batch.
/// <para>
/// A lower bound, so that a request refused on it could not have been served in time: the batches the instances are
/// running now, batches smaller than full, and later arrivals of a higher priority only add to it. Unknown (0) until an
/// execution has been measured: a deadline is never refused on a guess.
/// </para>
/// </summary>
internal static class ExpectedWait
{
    /// <summary>The expected wait in the scheduler clock's ticks; 0 when nothing must run first or nothing was measured yet.</summary>
    public static double Ticks(long rowsAhead, int requestsAhead, long rows, SchedulerPolicy policy, int instances, ExecutionCostModel costs)
    {
        if (instances == 0 || !costs.Measured)
        {
            return 0;
        }

        // With batching, the request can share the last execution ahead of it: only the batches its rows do not fit in come first.
        var executions = policy.Batching
            ? ((rowsAhead + rows + policy.MaxBatchRows - 1) / policy.MaxBatchRows) - 1
            : requestsAhead;
        if (executions <= 0)
        {
            return 0;
        }

        var rounds = (executions + instances - 1) / instances;
        return rounds * (costs.FixedTicks + (costs.PerRowTicks * (policy.Batching ? policy.MaxBatchRows : 1)));
    }

    /// <summary>The whole seconds an HTTP <c>Retry-After</c> gives for a wait of <paramref name="ticks"/>: at least 1.</summary>
    public static int RetryAfterSeconds(double ticks, long ticksPerSecond) =>
        (int)Math.Clamp(Math.Ceiling(ticks / ticksPerSecond), 1, int.MaxValue);
}
