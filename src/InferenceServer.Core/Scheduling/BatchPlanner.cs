using InferenceServer.Core.Inference;

namespace InferenceServer.Core.Scheduling;

/// <summary>
/// Triton's dynamic-batching decision, as a pure function of the queue and the clock. From the first
/// request in service order it takes the following requests that can share its execution (same
/// non-batch shapes, same requested outputs) while the rows fit <c>max_batch_size</c>. The batch runs
/// when it is full, when it cannot grow (the next request does not fit or has other shapes), when a
/// preferred size can be formed (the largest one is sent), when <c>max_queue_delay</c> is 0, or when the
/// first request's delay is up, or, before that, once <c>earlyRows</c> rows are queued (the scheduler's
/// judgement that waiting longer costs more than it saves). Its wait also ends at the earliest queued request's timeout, so a request
/// that times out is answered at its timeout, not when the batching delay ends. A batch stops growing at
/// <c>capRows</c> rows (the scheduler's pipelined batch size; the rest of the queue runs next) and runs then,
/// as a full one does.
/// </summary>
internal static class BatchPlanner
{
    public static BatchPlan Plan(PriorityRequestQueue queue, SchedulerPolicy policy, long now, long maxDelayTicks, bool flush, long earlyRows = long.MaxValue, long capRows = long.MaxValue)
    {
        var head = queue.First();
        if (head is null)
        {
            return BatchPlan.Wait(long.MaxValue);
        }

        if (!policy.Batching)
        {
            return BatchPlan.Run(1);
        }

        var preferred = policy.PreferredBatchSizes;
        var rows = head.BatchSize;
        var count = 1;
        var preferredCount = IsPreferred(preferred, rows) ? 1 : 0;
        var earliestExpiry = head.Queue.ExpiresAt;
        var closed = false;
        for (var next = queue.Next(head); next is not null; next = queue.Next(next))
        {
            if (rows >= capRows || rows + next.BatchSize > policy.MaxBatchRows || !CanShareExecution(head, next))
            {
                closed = true;
                break;
            }

            rows += next.BatchSize;
            count++;
            earliestExpiry = Math.Min(earliestExpiry, next.Queue.ExpiresAt);
            if (IsPreferred(preferred, rows))
            {
                preferredCount = count;
            }
        }

        if (closed || flush || rows >= policy.MaxBatchRows || rows >= capRows || maxDelayTicks == 0)
        {
            return BatchPlan.Run(count);
        }

        if (preferredCount > 0)
        {
            return BatchPlan.Run(preferredCount);
        }

        if (rows >= earlyRows)
        {
            return BatchPlan.Run(count);
        }

        var deadline = Math.Min(SaturatingAdd(head.Queue.EnqueuedAt, maxDelayTicks), earliestExpiry);
        return now >= deadline ? BatchPlan.Run(count) : BatchPlan.Wait(deadline);
    }

    /// <summary>Whether <paramref name="other"/> can run in one execution with <paramref name="first"/>.</summary>
    public static bool CanShareExecution(InferenceRequest first, InferenceRequest other)
    {
        var inputs = first.Inputs;
        var otherInputs = other.Inputs;
        if (inputs.Length != otherInputs.Length)
        {
            return false;
        }

        foreach (var input in inputs)
        {
            var match = Find(otherInputs, input);
            if (match is null || !input.Shape.Dimensions[1..].SequenceEqual(match.Shape.Dimensions[1..]))
            {
                return false;
            }
        }

        var outputs = first.RequestedOutputs;
        var otherOutputs = other.RequestedOutputs;
        if (outputs.Length != otherOutputs.Length)
        {
            return false;
        }

        foreach (var output in outputs)
        {
            var found = false;
            foreach (var candidate in otherOutputs)
            {
                found |= ReferenceEquals(candidate.Spec, output.Spec);
            }

            if (!found)
            {
                return false;
            }
        }

        return true;
    }

    private static InferenceInput? Find(ReadOnlySpan<InferenceInput> inputs, InferenceInput wanted)
    {
        foreach (var input in inputs)
        {
            if (ReferenceEquals(input.Spec, wanted.Spec))
            {
                return input;
            }
        }

        return null;
    }

    private static bool IsPreferred(IReadOnlyList<int> preferred, long rows)
    {
        for (var i = 0; i < preferred.Count; i++)
        {
            if (preferred[i] == rows)
            {
                return true;
            }
        }

        return false;
    }

    private static long SaturatingAdd(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;
}
