using InferenceServer.Core.Inference;

namespace InferenceServer.Core.Scheduling;

/// <summary>
/// <c>preserve_ordering</c>: answers requests in the order they were queued, whatever order their
/// batches finish in (several instances, priorities, timeouts). A finished request waits here until
/// every earlier one has finished too. Allocation-free once the heap has grown to the working size.
/// </summary>
internal sealed class OrderedCompletion
{
    private readonly PriorityQueue<InferenceRequest, long> _finished = new();
    private readonly Lock _lock = new();
    private long _nextToComplete;

    /// <summary>The sequence number the next queued request gets (called under the scheduler's lock, in queue order).</summary>
    public long NextSequence;

    /// <summary>Completes <paramref name="request"/> and every held request it was blocking, in order.</summary>
    public void Finish(InferenceRequest request)
    {
        lock (_lock)
        {
            _finished.Enqueue(request, request.Queue.Sequence);
            while (_finished.TryPeek(out var next, out var sequence) && sequence == _nextToComplete)
            {
                _finished.Dequeue();
                _nextToComplete++;
                next.Complete();
            }
        }
    }

    /// <summary>Requests finished but held back behind an earlier one.</summary>
    public int HeldCount
    {
        get
        {
            lock (_lock)
            {
                return _finished.Count;
            }
        }
    }
}
