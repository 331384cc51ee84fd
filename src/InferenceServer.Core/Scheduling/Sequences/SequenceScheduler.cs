using System.Diagnostics;
using System.Runtime.CompilerServices;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Models;
using InferenceServer.Core.Telemetry;

namespace InferenceServer.Core.Scheduling.Sequences;

/// <summary>
/// The scheduler of a sequence model (<c>sequence_batching</c>), behind <see cref="ModelVersion.ScheduleAsync"/>, with
/// Triton's semantics. Admission (<see cref="Admit"/>, a step of the request lifecycle before scheduling) checks the
/// request's <c>sequence_id</c> / <c>sequence_start</c> / <c>sequence_end</c> against the live sequences
/// (<see cref="SequenceSlots"/>) and takes the request's place in its sequence. When its turn comes (the sequence holds a
/// slot and its earlier requests have run), the request gets the control and state inputs (<see cref="SequenceFeed"/>)
/// and joins the batcher (a <see cref="RequestScheduler"/> on the strategy's batching policy, so batch assembly,
/// instance threads, statistics and metrics are the dynamic batcher's); once it has run, its state goes back to the
/// sequence and the next request of the sequence gets its turn. A batch thus never holds two requests of one sequence.
/// <para>
/// Direct and oldest differ in how many sequences are live at once (<see cref="SequencePolicy.Slots"/>) and in how ready
/// requests are batched. Triton's direct strategy also runs empty slots with READY = false so a model that keeps state
/// per batch row finds each sequence in the same row; the state here lives in the server, not in the model, so a batch
/// holds only ready requests, in arrival order.
/// </para>
/// Idle sequences are ended, and backlogged ones refused, by one timer on the injected <see cref="TimeProvider"/>, so
/// tests drive it with a fake clock.
/// </summary>
public sealed class SequenceScheduler : IDisposable
{
    private const double MaxTimerMilliseconds = 3_600_000;

    private readonly Lock _gate = new();
    private List<(int Count, TaskCompletionSource Reached)>? _pendingWatchers;
    private readonly string _modelName;
    private readonly ModelSignature _signature;
    private readonly SequenceFeed _feed;
    private readonly SequenceSlots _slots;
    private readonly RequestScheduler _batcher;
    private readonly ModelVersionStatistics _statistics;
    private readonly TimeProvider _time;
    private readonly ITimer _timer;
    private long _timerDue = long.MaxValue;
    private long _idleEnded;
    private bool _stopping;

    public SequenceScheduler(string modelName, ModelSignature signature, SequencePolicy policy, IReadOnlyList<IModelInstance> instances,
        ModelVersionStatistics statistics, TimeProvider time)
    {
        _modelName = modelName;
        _signature = signature;
        _feed = new SequenceFeed(modelName, signature);
        _slots = new SequenceSlots(modelName, policy.Slots, policy.MaxIdleMicroseconds, policy.BacklogWaitMicroseconds, SequencePolicy.MaxBacklog, time.TimestampFrequency);
        _statistics = statistics;
        _time = time;
        _timer = time.CreateTimer(_ => OnTimer(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _batcher = new RequestScheduler(modelName, instances, policy.Batching, statistics, time);
        Policy = policy;
    }

    public SequencePolicy Policy { get; }

    /// <summary>Requests admitted and not yet run: waiting for their turn, or queued in the batcher.</summary>
    /// <summary>
    /// Completes once at least <paramref name="count"/> requests are pending (<see cref="PendingCount"/>: waiting for their
    /// turn or a slot, or queued in the batcher), so a caller waits on the queue instead of polling it.
    /// </summary>
    public Task QueuedAsync(int count)
    {
        lock (_gate)
        {
            if (_slots.WaitingCount + _batcher.PendingCount >= count)
            {
                return Task.CompletedTask;
            }

            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            (_pendingWatchers ??= []).Add((count, reached));
            return reached.Task;
        }
    }

    // Under the lock; costs a null check while nobody watches.
    private void NotifyPendingWatchers()
    {
        if (_pendingWatchers is not { } watchers)
        {
            return;
        }

        var pending = _slots.WaitingCount + _batcher.PendingCount;
        watchers.RemoveAll(w => pending >= w.Count && w.Reached.TrySetResult());
        if (watchers.Count == 0)
        {
            _pendingWatchers = null;
        }
    }

    public int PendingCount
    {
        get
        {
            lock (_gate)
            {
                return _slots.WaitingCount + _batcher.PendingCount;
            }
        }
    }

    /// <summary>Sequences live now (holding a slot or waiting for one).</summary>
    public int LiveCount
    {
        get
        {
            lock (_gate)
            {
                return _slots.LiveCount;
            }
        }
    }

    /// <summary>Sequences waiting in the backlog for a slot.</summary>
    public int BacklogCount
    {
        get
        {
            lock (_gate)
            {
                return _slots.BacklogCount;
            }
        }
    }

    /// <summary>Sequences ended because they idled past <c>max_sequence_idle_microseconds</c>, since load.</summary>
    public long IdleEndedCount => Interlocked.Read(ref _idleEnded);

    /// <summary>
    /// Checks the request's sequence parameters and takes its place in its sequence: a client error (naming the sequence)
    /// when it carries no id, an id of the wrong kind, more than one row, continues a sequence that is not live, or
    /// starts one that is. Every admitted request must then go to <see cref="ScheduleAsync"/>.
    /// </summary>
    public InferenceError Admit(InferenceRequest request)
    {
        var id = request.SequenceId;
        if (id.IsNone)
        {
            return InferenceError.InvalidArgument(
                $"inference request to model '{_modelName}' must specify a non-zero or non-empty sequence_id: it is a sequence model (sequence_batching)");
        }

        if (_signature.Batches && request.BatchSize != 1)
        {
            return InferenceError.InvalidArgument(
                $"request of sequence {id} for model '{_modelName}' has batch size {request.BatchSize}: a sequence request carries exactly one row");
        }

        // Every request's id is checked against the CORRID type; only a start keeps the id as the model takes it.
        var error = _feed.CorrelationIdValue(id, request.SequenceStart, out var correlationId);
        if (error.IsError)
        {
            return error;
        }

        var started = request.SequenceStart ? new Sequence(id, correlationId, _signature.Sequence!.States.Count) : null;
        lock (_gate)
        {
            if (_stopping)
            {
                return InferenceError.Unavailable($"model '{_modelName}' is unloading");
            }

            var now = _time.GetTimestamp();
            var admission = _slots.Admit(id, started, request.SequenceEnd, now, out var sequence);
            switch (admission)
            {
                case SequenceAdmission.NotLive:
                    return InferenceError.InvalidArgument(_slots.NotLiveMessage(id));
                case SequenceAdmission.AlreadyLive:
                    return InferenceError.InvalidArgument(
                        $"sequence {id} for model '{_modelName}' is already live: a request with sequence_start cannot begin it again before its sequence_end");
                case SequenceAdmission.BacklogFull:
                    return InferenceError.Unavailable(
                        $"sequence {id} for model '{_modelName}' cannot start: all {Policy.Slots} sequence slots are held and {SequencePolicy.MaxBacklog} sequences already wait for one");
            }

            request.SequenceTicket.Sequence = sequence;
            if (admission == SequenceAdmission.Wait)
            {
                request.SequenceTicket.Turn = _slots.AddWaiter(sequence!);
                if (sequence!.Slot < 0)
                {
                    ArmTimer(_slots.NextDeadline(), now);
                }

                NotifyPendingWatchers();
            }
        }

        return InferenceError.None;
    }

    /// <summary>
    /// Runs an admitted request when its turn comes; completes once it has an answer (or an error: the backlog wait ran
    /// out, the batcher refused it, the model failed).
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask ScheduleAsync(InferenceRequest request)
    {
        var sequence = request.SequenceTicket.Sequence;
        if (sequence is null)
        {
            var refusal = Admit(request);
            if (refusal.IsError)
            {
                _statistics.RecordFailure(FailureReason.Other, 0);
                request.SetError(refusal);
                return;
            }

            sequence = request.SequenceTicket.Sequence!;
        }

        if (request.SequenceTicket.Turn is { } turn)
        {
            var refused = await turn.ConfigureAwait(false);
            if (refused.IsError)
            {
                _statistics.RecordFailure(FailureReason.Rejected, ModelVersionStatistics.ElapsedNanoseconds(
                    request.ReceivedTimestamp == 0 ? Stopwatch.GetTimestamp() : request.ReceivedTimestamp, Stopwatch.GetTimestamp()));
                request.SetError(refused);
                return;
            }
        }

        try
        {
            var clientInputs = _feed.Attach(sequence, request);
            _batcher.Enqueue(request);
            if (Volatile.Read(ref _pendingWatchers) is not null)
            {
                lock (_gate)
                {
                    NotifyPendingWatchers();
                }
            }

            await request.WaitAsync().ConfigureAwait(false);
            _feed.Detach(sequence, request, clientInputs);
        }
        finally
        {
            // Whatever happened to this request, the sequence's next one gets its turn (or its slot is freed).
            lock (_gate)
            {
                var now = _time.GetTimestamp();
                var idleUntil = _slots.Finished(sequence, now);
                if (idleUntil != long.MaxValue)
                {
                    ArmTimer(idleUntil, now);
                }
            }
        }
    }

    /// <summary>
    /// Gives a request that runs outside any sequence (a warm-up sample) the server's inputs of a one-request sequence:
    /// START and END set, the initial state, a correlation id of 1 (or "1"). It keeps them until it is reset.
    /// </summary>
    public void AttachStandalone(InferenceRequest request)
    {
        request.SequenceStart = true;
        request.SequenceEnd = true;
        var id = _signature.Sequence!.CorrelationId?.Spec.DataType == Tensors.DataType.Bytes ? SequenceId.FromText("1") : SequenceId.FromNumber(1);
        _feed.CorrelationIdValue(id, materialize: true, out var correlationId);
        _feed.Attach(new Sequence(id, correlationId, _signature.Sequence.States.Count), request);
    }

    private void OnTimer()
    {
        lock (_gate)
        {
            _timerDue = long.MaxValue;
            var now = _time.GetTimestamp();
            var ended = _slots.Expire(now);
            if (ended > 0)
            {
                Interlocked.Add(ref _idleEnded, ended);
            }

            var next = _slots.NextDeadline();
            if (next != long.MaxValue)
            {
                ArmTimer(next, now);
            }
        }
    }

    // Under the lock. One timer serves every deadline: it is moved only earlier; when it fires, the next deadline is re-armed.
    private void ArmTimer(long due, long now)
    {
        if (due >= _timerDue || _stopping)
        {
            return;
        }

        _timerDue = due;
        var milliseconds = Math.Ceiling(_time.GetElapsedTime(now, Math.Max(now, due)).TotalMilliseconds);
        _timer.Change(TimeSpan.FromMilliseconds(Math.Min(milliseconds, MaxTimerMilliseconds)), Timeout.InfiniteTimeSpan);
    }

    /// <summary>Refuses the requests still waiting for a turn, then runs what the batcher holds and stops its threads.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_stopping)
            {
                return;
            }

            _stopping = true;
            _slots.FailAll(InferenceError.Unavailable($"model '{_modelName}' is unloading"));
        }

        _timer.Dispose();
        _batcher.Dispose();
    }
}
