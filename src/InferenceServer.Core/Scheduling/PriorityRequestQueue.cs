using InferenceServer.Core.Inference;

namespace InferenceServer.Core.Scheduling;

/// <summary>
/// The requests waiting for a model version, in service order: level 1 before level 2, and within a
/// level FIFO, with requests whose queue timeout expired under a DELAY policy behind the others of
/// their level. Not thread-safe; the scheduler's lock guards it. Allocates nothing per request.
/// </summary>
internal sealed class PriorityRequestQueue
{
    // Two lists per level, in service order: [level 1 waiting, level 1 delayed, level 2 waiting, ...].
    private readonly RequestList[] _lists;
    private readonly SchedulerPolicy _policy;
    private long _nextExpiry = long.MaxValue;

    public PriorityRequestQueue(SchedulerPolicy policy)
    {
        _policy = policy;
        _lists = new RequestList[policy.LevelCount * 2];
        for (var i = 0; i < _lists.Length; i++)
        {
            _lists[i] = new RequestList();
        }
    }

    public int Count { get; private set; }

    /// <summary>Earliest queue-timeout expiry among waiting (not yet delayed) requests.</summary>
    public long NextExpiry => _nextExpiry;

    public int CountAt(int level) => _lists[(level - 1) * 2].Count + _lists[((level - 1) * 2) + 1].Count;

    /// <summary>
    /// What a request arriving now at <paramref name="level"/> would wait behind: every request of a higher level
    /// (waiting or delayed) and the waiting requests of its own level.
    /// </summary>
    public (long Rows, int Requests) Ahead(int level)
    {
        long rows = 0;
        var requests = 0;
        for (var i = 0; i <= (level - 1) * 2; i++)
        {
            rows += _lists[i].Rows;
            requests += _lists[i].Count;
        }

        return (rows, requests);
    }

    public void Append(InferenceRequest request)
    {
        _lists[(request.Queue.Level - 1) * 2].Append(request);
        Count++;
        _nextExpiry = Math.Min(_nextExpiry, request.Queue.ExpiresAt);
    }

    public void Remove(InferenceRequest request)
    {
        request.Queue.List!.Remove(request);
        Count--;
    }

    /// <summary>The request to serve first, or null when empty.</summary>
    public InferenceRequest? First() => FirstFrom(0);

    /// <summary>The request served after <paramref name="request"/>, or null.</summary>
    public InferenceRequest? Next(InferenceRequest request)
    {
        if (request.Queue.Next is { } next)
        {
            return next;
        }

        var index = (request.Queue.Level - 1) * 2;
        if (!ReferenceEquals(_lists[index], request.Queue.List))
        {
            index++;
        }

        return FirstFrom(index + 1);
    }

    /// <summary>
    /// Handles every waiting request whose queue timeout has passed at <paramref name="now"/>: a DELAY
    /// level moves it behind its level's other requests; a REJECT level removes it and adds it to
    /// <paramref name="rejected"/>.
    /// </summary>
    public void Expire(long now, List<InferenceRequest> rejected)
    {
        if (now < _nextExpiry)
        {
            return;
        }

        var nextExpiry = long.MaxValue;
        for (var level = 1; level <= _policy.LevelCount; level++)
        {
            var waiting = _lists[(level - 1) * 2];
            var request = waiting.First;
            while (request is not null)
            {
                var next = request.Queue.Next;
                if (request.Queue.ExpiresAt > now)
                {
                    nextExpiry = Math.Min(nextExpiry, request.Queue.ExpiresAt);
                }
                else if (_policy.Level(level).DelayOnTimeout)
                {
                    waiting.Remove(request);
                    request.Queue.ExpiresAt = long.MaxValue;
                    _lists[((level - 1) * 2) + 1].Append(request);
                }
                else
                {
                    Remove(request);
                    rejected.Add(request);
                }

                request = next;
            }
        }

        _nextExpiry = nextExpiry;
    }

    private InferenceRequest? FirstFrom(int index)
    {
        for (; index < _lists.Length; index++)
        {
            if (_lists[index].First is { } first)
            {
                return first;
            }
        }

        return null;
    }
}
