using InferenceServer.Core.Inference;

namespace InferenceServer.Core.Scheduling.Sequences;

/// <summary>
/// Which sequences are live and which slot each holds, with Triton's sequence-batcher rules: a request with
/// <c>sequence_start</c> begins a sequence in a free slot, or waits in a first-come backlog until one frees; the
/// sequence's later requests run one at a time, in arrival order; the slot is freed when its END request has run, or
/// when it has had no request for the idle time. A sequence waits in the backlog at most the backlog time, then its
/// requests are refused (UNAVAILABLE).
/// <para>
/// Pure bookkeeping on a clock reading the caller passes: the caller holds one lock around every call, arms one timer at
/// <see cref="NextDeadline"/>, and calls <see cref="Expire"/> when it fires. Waiting requests are told through their
/// <see cref="TaskCompletionSource{TResult}"/> (created with asynchronous continuations, so completing one under the
/// lock runs nothing inline).
/// </para>
/// Invariants: a slot is held by at most one sequence; a sequence has at most one request with its turn; every waiter is
/// completed exactly once (its turn, a refusal, or the scheduler's disposal).
/// </summary>
internal sealed class SequenceSlots
{
    private readonly Dictionary<SequenceId, Sequence> _live = [];
    private readonly LinkedList<Sequence> _backlog = new();
    private readonly Stack<int> _freed = new();
    private readonly List<Sequence> _scratch = [];
    private readonly string _modelName;
    private readonly int _slots;
    private readonly int _maxBacklog;
    private readonly long _maxIdleTicks;
    private readonly long _backlogWaitTicks;
    private readonly long _maxIdleMicroseconds;
    private readonly long _backlogWaitMicroseconds;
    private int _neverUsed;

    public SequenceSlots(string modelName, int slots, long maxIdleMicroseconds, long backlogWaitMicroseconds, int maxBacklog, long timestampFrequency)
    {
        _modelName = modelName;
        _slots = slots;
        _maxBacklog = maxBacklog;
        _maxIdleMicroseconds = maxIdleMicroseconds;
        _backlogWaitMicroseconds = backlogWaitMicroseconds;
        _maxIdleTicks = MicrosecondsToTicks(maxIdleMicroseconds, timestampFrequency);
        _backlogWaitTicks = MicrosecondsToTicks(backlogWaitMicroseconds, timestampFrequency);
    }

    /// <summary>Sequences that hold a slot or wait for one and have not ended.</summary>
    public int LiveCount => _live.Count;

    /// <summary>Sequences waiting for a slot.</summary>
    public int BacklogCount => _backlog.Count;

    /// <summary>Slots no sequence holds.</summary>
    public int FreeSlots => _freed.Count + (_slots - _neverUsed);

    /// <summary>Requests admitted and waiting for their turn.</summary>
    public int WaitingCount { get; private set; }

    /// <summary>
    /// Admits a request of sequence <paramref name="id"/>; a start brings its new sequence (<paramref name="started"/>).
    /// <paramref name="sequence"/> is the request's sequence unless it is refused. On <see cref="SequenceAdmission.Wait"/>
    /// the caller must queue a waiter with <see cref="AddWaiter"/>.
    /// </summary>
    public SequenceAdmission Admit(SequenceId id, Sequence? started, bool end, long now, out Sequence? sequence)
    {
        if (started is not null)
        {
            if (_live.ContainsKey(id))
            {
                sequence = null;
                return SequenceAdmission.AlreadyLive;
            }

            if (FreeSlots == 0 && _backlog.Count >= _maxBacklog)
            {
                sequence = null;
                return SequenceAdmission.BacklogFull;
            }

            sequence = started;
            if (TryTakeSlot(out var slot))
            {
                sequence.Slot = slot;
            }
            else
            {
                sequence.BackloggedAt = now;
                _backlog.AddLast(sequence);
            }

            _live[id] = sequence;
        }
        else if (!_live.TryGetValue(id, out sequence))
        {
            return SequenceAdmission.NotLive;
        }

        if (end)
        {
            // Later requests with this id belong to a new sequence, which may start while this one still runs its last.
            _live.Remove(id);
            sequence.Ended = true;
        }

        sequence.IdleSince = long.MaxValue;
        if (sequence.Slot >= 0 && !sequence.Busy && sequence.Waiting.Count == 0)
        {
            sequence.Busy = true;
            return SequenceAdmission.Turn;
        }

        return SequenceAdmission.Wait;
    }

    /// <summary>Queues a request that was told to wait; its task completes when its turn comes (<see cref="InferenceError.None"/>) or with why it never will.</summary>
    public Task<InferenceError> AddWaiter(Sequence sequence)
    {
        var waiter = new TaskCompletionSource<InferenceError>(TaskCreationOptions.RunContinuationsAsynchronously);
        sequence.Waiting.Enqueue(waiter);
        WaitingCount++;
        return waiter.Task;
    }

    /// <summary>
    /// A request of <paramref name="sequence"/> has run (or failed): the next waiting request gets its turn, the slot is
    /// freed after the END request, or the sequence starts idling. Returns when it would be ended for idling
    /// (<see cref="long.MaxValue"/> when it is not idle).
    /// </summary>
    public long Finished(Sequence sequence, long now)
    {
        sequence.Busy = false;
        if (GiveTurn(sequence))
        {
            return long.MaxValue;
        }

        if (sequence.Ended)
        {
            FreeSlot(sequence);
            return long.MaxValue;
        }

        sequence.IdleSince = now;
        return SaturatingAdd(now, _maxIdleTicks);
    }

    /// <summary>
    /// Ends the sequences idle for <c>max_sequence_idle_microseconds</c> (freeing their slots for the backlog) and refuses
    /// the backlogged ones that waited their time out. Returns how many idle sequences were ended.
    /// </summary>
    public int Expire(long now)
    {
        // Idle sequences first: a slot they free goes to the backlog before its wait is judged, so a sequence is refused
        // only when every slot was still in use for the whole of its wait.
        foreach (var sequence in _live.Values)
        {
            if (IsIdle(sequence) && SaturatingAdd(sequence.IdleSince, _maxIdleTicks) <= now)
            {
                _scratch.Add(sequence);
            }
        }

        foreach (var sequence in _scratch)
        {
            _live.Remove(sequence.Id);
            sequence.Ended = true;
            FreeSlot(sequence);
        }

        var ended = _scratch.Count;
        _scratch.Clear();
        while (_backlog.First is { } head && SaturatingAdd(head.Value.BackloggedAt, _backlogWaitTicks) <= now)
        {
            _backlog.RemoveFirst();
            var sequence = head.Value;
            if (_live.TryGetValue(sequence.Id, out var live) && ReferenceEquals(live, sequence))
            {
                _live.Remove(sequence.Id);
            }

            FailWaiters(sequence, InferenceError.Unavailable(
                $"sequence {sequence.Id} for model '{_modelName}' waited {_backlogWaitMicroseconds} µs for a sequence slot and got none: " +
                $"all {_slots} slots are held by live sequences; try again later"));
        }

        return ended;
    }

    /// <summary>The earliest time a sequence is to be ended for idling or refused from the backlog; <see cref="long.MaxValue"/> for none.</summary>
    public long NextDeadline()
    {
        var next = _backlog.First is { } head ? SaturatingAdd(head.Value.BackloggedAt, _backlogWaitTicks) : long.MaxValue;
        foreach (var sequence in _live.Values)
        {
            if (IsIdle(sequence))
            {
                next = Math.Min(next, SaturatingAdd(sequence.IdleSince, _maxIdleTicks));
            }
        }

        return next;
    }

    /// <summary>Refuses every waiting request (the model is unloading).</summary>
    public void FailAll(InferenceError error)
    {
        foreach (var sequence in _live.Values)
        {
            FailWaiters(sequence, error);
        }

        foreach (var sequence in _backlog)
        {
            FailWaiters(sequence, error);
        }

        _live.Clear();
        _backlog.Clear();
    }

    /// <summary>The message for a request whose sequence is not live.</summary>
    public string NotLiveMessage(SequenceId id) =>
        $"sequence {id} for model '{_modelName}' is not live: its first request must set sequence_start " +
        $"(a sequence also ends with sequence_end, or after {_maxIdleMicroseconds} µs without a request)";

    private static bool IsIdle(Sequence sequence) => sequence.Slot >= 0 && !sequence.Busy && sequence.Waiting.Count == 0 && sequence.IdleSince != long.MaxValue;

    private bool GiveTurn(Sequence sequence)
    {
        if (sequence.Slot < 0 || !sequence.Waiting.TryDequeue(out var next))
        {
            return false;
        }

        WaitingCount--;
        sequence.Busy = true;
        next.SetResult(InferenceError.None);
        return true;
    }

    private void FailWaiters(Sequence sequence, InferenceError error)
    {
        while (sequence.Waiting.TryDequeue(out var waiter))
        {
            WaitingCount--;
            waiter.SetResult(error);
        }
    }

    private bool TryTakeSlot(out int slot)
    {
        if (_freed.TryPop(out slot))
        {
            return true;
        }

        if (_neverUsed < _slots)
        {
            slot = _neverUsed++;
            return true;
        }

        slot = -1;
        return false;
    }

    // The backlog's oldest sequence takes the slot at once; otherwise it is free for the next start.
    private void FreeSlot(Sequence sequence)
    {
        var slot = sequence.Slot;
        sequence.Slot = -1;
        if (_backlog.First is { } head)
        {
            _backlog.RemoveFirst();
            head.Value.Slot = slot;
            GiveTurn(head.Value);
            return;
        }

        _freed.Push(slot);
    }

    private static long SaturatingAdd(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;

    private static long MicrosecondsToTicks(long microseconds, long frequency) =>
        microseconds >= long.MaxValue / frequency ? long.MaxValue / 4 : microseconds * frequency / 1_000_000;
}
