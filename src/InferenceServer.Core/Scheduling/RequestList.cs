using InferenceServer.Core.Inference;

namespace InferenceServer.Core.Scheduling;

/// <summary>
/// A FIFO of requests linked through their <see cref="QueueEntry"/>: O(1) append, removal anywhere
/// (timeouts expire out of order) and no allocation. Not thread-safe; the scheduler's lock guards it.
/// </summary>
internal sealed class RequestList
{
    public InferenceRequest? First { get; private set; }

    public InferenceRequest? Last { get; private set; }

    public int Count { get; private set; }

    /// <summary>The rows of the listed requests (a request's batch size does not change while it is queued).</summary>
    public long Rows { get; private set; }

    public void Append(InferenceRequest request)
    {
        ref var entry = ref request.Queue;
        entry.List = this;
        entry.Next = null;
        entry.Previous = Last;
        if (Last is null)
        {
            First = request;
        }
        else
        {
            Last.Queue.Next = request;
        }

        Last = request;
        Count++;
        Rows += request.BatchSize;
    }

    public void Remove(InferenceRequest request)
    {
        ref var entry = ref request.Queue;
        if (!ReferenceEquals(entry.List, this))
        {
            throw new InvalidOperationException("the request is not in this list");
        }

        if (entry.Previous is null)
        {
            First = entry.Next;
        }
        else
        {
            entry.Previous.Queue.Next = entry.Next;
        }

        if (entry.Next is null)
        {
            Last = entry.Previous;
        }
        else
        {
            entry.Next.Queue.Previous = entry.Previous;
        }

        entry.List = null;
        entry.Next = null;
        entry.Previous = null;
        Count--;
        Rows -= request.BatchSize;
    }
}
