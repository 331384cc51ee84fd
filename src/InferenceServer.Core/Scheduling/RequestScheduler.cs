using System.Diagnostics;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Models;
using InferenceServer.Core.Telemetry;
using InferenceServer.Core.Tracing;

namespace InferenceServer.Core.Scheduling;

/// <summary>
/// Queues a model version's requests and runs them on its instances, with Triton's semantics: with
/// <c>dynamic_batching</c>, requests are batched (<see cref="BatchPlanner"/>), served by priority level, and
/// held to their level's queue policy (bounded queue, timeouts that reject or delay); without it, requests
/// run one by one in arrival order on whichever instance is free.
/// <para>
/// Each instance owns a dedicated thread (model execution never blocks the thread pool) that forms its
/// next batch itself when it becomes idle, under one lock shared with the front ends' enqueues. Waiting
/// for a fuller batch or for a timeout uses one timer on the injected <see cref="TimeProvider"/>, so tests
/// drive time by hand.
/// </para>
/// <para>
/// Adaptive wait (<see cref="SchedulerPolicy.AdaptiveWait"/>): waiting for one more row idles the instance for
/// about the time between arrivals, and a bigger batch saves at most the fixed cost of one execution. With
/// <c>run(rows) = fixed + perRow × rows</c> (<see cref="ExecutionCostModel"/>, measured) and arrivals every
/// <c>gap</c> per row, waiting to grow q queued rows into a bigger batch lowers the time per row only while
/// <c>q × gap &lt; fixed</c>; from there on the instance runs what is queued. Under load this keeps the instance
/// busy with the batches that form while it runs (closed-loop clients split into cohorts instead of all waiting
/// on one batch); at low rates it stops holding requests that cannot arrive in time. Until an execution has been
/// measured the fixed cost is unknown and the delay is waited out, as Triton does.
/// </para>
/// <para>
/// Deadlines hold: a queued request is answered at its queue timeout by the timer, whatever the instances are running,
/// and a request whose timeout is shorter than its expected wait (<see cref="ExpectedWait"/>) is refused at enqueue.
/// </para>
/// Invariants: every enqueued request is completed exactly once (answered, rejected, or failed), also
/// across <see cref="Dispose"/>, which stops new requests, runs the queued ones, then stops the threads.
/// </summary>
public sealed class RequestScheduler : IDisposable
{
    private const double MaxTimerMilliseconds = 3_600_000;

    private readonly object _gate = new();
    private readonly string _modelName;
    private readonly SchedulerPolicy _policy;
    private readonly PriorityRequestQueue _queue;
    private readonly ModelVersionStatistics _statistics;
    private readonly TimeProvider _time;
    private readonly ITimer _timer;
    private readonly long _maxDelayTicks;
    private readonly OrderedCompletion? _ordered;
    private readonly Thread[] _threads;
    private readonly List<InferenceRequest> _expired = [];
    private readonly ExecutionCostModel _costs = new();
    private readonly bool _adaptiveWait;
    private long _lastArrival = long.MinValue;
    private double _arrivalTicksPerRow;
    private long _timerDue = long.MaxValue;
    private long _queuedRows;
    private bool _stopping;
    private List<(int Count, TaskCompletionSource Reached)>? _queueWatchers;

    public RequestScheduler(string modelName, IReadOnlyList<IModelInstance> instances, SchedulerPolicy policy, ModelVersionStatistics statistics, TimeProvider time)
    {
        _modelName = modelName;
        _policy = policy;
        _queue = new PriorityRequestQueue(policy);
        _statistics = statistics;
        _time = time;
        _maxDelayTicks = MicrosecondsToTicks(policy.MaxQueueDelayMicroseconds);
        _ordered = policy.PreserveOrdering ? new OrderedCompletion() : null;
        _adaptiveWait = policy.Batching && policy.AdaptiveWait && _maxDelayTicks > 0;
        _timer = time.CreateTimer(_ => OnTimer(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _threads = new Thread[instances.Count];
        for (var i = 0; i < instances.Count; i++)
        {
            var instance = instances[i];
            _threads[i] = new Thread(() => Run(instance))
            {
                IsBackground = true,
                Name = $"{modelName}:{instance.Name}",
            };
        }

        foreach (var thread in _threads)
        {
            thread.Start();
        }
    }

    public int PendingCount
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>
    /// Completes once at least <paramref name="count"/> requests wait in the queue (at once when they already do), so
    /// whoever needs a queue to fill first waits on the queue instead of polling it. Costs enqueues one null check
    /// while nobody watches.
    /// </summary>
    public Task QueuedAsync(int count)
    {
        lock (_gate)
        {
            if (_queue.Count >= count)
            {
                return Task.CompletedTask;
            }

            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            (_queueWatchers ??= []).Add((count, reached));
            return reached.Task;
        }
    }

    // Under the lock.
    private void NotifyQueueWatchers()
    {
        var watchers = _queueWatchers!;
        var count = _queue.Count;
        watchers.RemoveAll(w => count >= w.Count && w.Reached.TrySetResult());
        if (watchers.Count == 0)
        {
            _queueWatchers = null;
        }
    }

    public void Enqueue(InferenceRequest request)
    {
        request.QueuedTimestamp = Stopwatch.GetTimestamp();
        InferenceError rejection;
        lock (_gate)
        {
            rejection = Admit(request);
        }

        if (rejection.IsError)
        {
            _statistics.RecordFailure(FailureReason.Rejected, ElapsedSinceReceived(request, Stopwatch.GetTimestamp()));
            request.Fail(rejection);
        }
    }

    // Under the lock.
    private InferenceError Admit(InferenceRequest request)
    {
        if (_stopping)
        {
            return InferenceError.Unavailable($"model '{_modelName}' is unloading");
        }

        var level = _policy.LevelFor(request.Priority);
        var levelPolicy = _policy.Level(level);
        if (_queue.CountAt(level) >= levelPolicy.MaxQueueSize)
        {
            return InferenceError.Unavailable(_policy.LevelCount > 1
                ? $"request for model '{_modelName}' rejected: the queue for priority level {level} is full ({levelPolicy.MaxQueueSize} requests)"
                : $"request for model '{_modelName}' rejected: the queue is full ({levelPolicy.MaxQueueSize} requests)");
        }

        var timeout = levelPolicy.TimeoutMicroseconds(request.TimeoutMicroseconds);
        if (timeout != 0 && !levelPolicy.DelayOnTimeout && RefuseUnmeetableTimeout(request, level, timeout) is { IsError: true } late)
        {
            return late;
        }

        var now = _time.GetTimestamp();
        NoteArrival(request.BatchSize, now);
        ref var entry = ref request.Queue;
        entry.Level = level;
        entry.EnqueuedAt = now;
        entry.ExpiresAt = timeout == 0 ? long.MaxValue : now + MicrosecondsToTicks(timeout);
        entry.Sequence = _ordered is null ? 0 : _ordered.NextSequence++;
        _queue.Append(request);
        _queuedRows += request.BatchSize;
        if (_queueWatchers is not null)
        {
            NotifyQueueWatchers();
        }

        if (entry.ExpiresAt != long.MaxValue)
        {
            ArmTimer(entry.ExpiresAt, now);
        }

        if (MayCompleteBatch(request))
        {
            Monitor.Pulse(_gate);
        }

        return InferenceError.None;
    }

    // Under the lock. A request that would time out in the queue anyway is refused now, while the client can still go
    // elsewhere, instead of at its deadline (REJECT levels only: under DELAY a late request still runs).
    private InferenceError RefuseUnmeetableTimeout(InferenceRequest request, int level, long timeoutMicroseconds)
    {
        var (rowsAhead, requestsAhead) = _queue.Ahead(level);
        var wait = ExpectedWait.Ticks(rowsAhead, requestsAhead, request.BatchSize, _policy, _threads.Length, _costs);
        if (wait <= MicrosecondsToTicks(timeoutMicroseconds))
        {
            return InferenceError.None;
        }

        var waitMicroseconds = (long)Math.Min(wait * 1_000_000 / _time.TimestampFrequency, long.MaxValue / 2);
        return InferenceError.Unavailable(
            $"request for model '{_modelName}' rejected: its queue timeout of {timeoutMicroseconds} µs cannot be met, the expected wait behind the {requestsAhead} requests queued ahead of it is {waitMicroseconds} µs",
            ExpectedWait.RetryAfterSeconds(wait, _time.TimestampFrequency));
    }

    // Under the lock. A running average of the time between arrivals, per row.
    private void NoteArrival(long rows, long now)
    {
        if (!_adaptiveWait)
        {
            return;
        }

        if (_lastArrival != long.MinValue)
        {
            var perRow = (double)(now - _lastArrival) / Math.Max(1, rows);
            _arrivalTicksPerRow += (perRow - _arrivalTicksPerRow) / 8;
        }

        _lastArrival = now;
    }

    // Under the lock. The queued rows from which waiting for more costs more than it saves (long.MaxValue: wait out the delay).
    private long EarlyRows()
    {
        var fixedTicks = _costs.FixedTicks;
        if (!_adaptiveWait || fixedTicks <= 0 || _arrivalTicksPerRow <= 0)
        {
            return long.MaxValue;
        }

        var rows = Math.Ceiling(fixedTicks / _arrivalTicksPerRow);
        return rows >= long.MaxValue ? long.MaxValue : Math.Max(1, (long)rows);
    }

    // Under the lock. The most rows a batch takes while no more than a full batch is queued (long.MaxValue: no
    // limit). Past the size at which an execution's fixed cost is a quarter of its per-row work, a bigger batch
    // saves little model time but holds every one of its answers until the last row is computed: with a
    // bounded number of callers (a closed loop, a client pool), the next requests then arrive only after the
    // whole cohort crossed the network, and the model idles meanwhile. Running the queue in batches of this
    // size streams answers out while the rest is computed. More than a full batch queued means the server is
    // behind: then full batches, for the model's best rate. Never below an eighth of max_batch_size, so a full
    // queue drains in at most eight executions and per-execution costs the model's timing does not see
    // (scheduling, wake-ups) stay small. (A quarter was tried: no better beyond the noise, perf/README.md.)
    private long PipelineRows()
    {
        const double FixedShare = 4;
        const int MostExecutionsPerFullQueue = 8;
        var perRow = _costs.PerRowTicks;
        if (!_adaptiveWait || perRow <= 0 || _queuedRows > _policy.MaxBatchRows || _policy.PreferredBatchSizes.Count > 0)
        {
            return long.MaxValue;
        }

        var rows = Math.Ceiling(FixedShare * _costs.FixedTicks / perRow);
        var fewest = Math.Max(1, _policy.MaxBatchRows / MostExecutionsPerFullQueue);
        return rows >= long.MaxValue ? long.MaxValue : Math.Max(fewest, (long)rows);
    }

    // Under the lock. Whether this arrival can change an idle instance's decision to wait. An instance
    // that waits for a fuller batch only needs waking when the batch can now be full or preferred, or
    // cannot grow (the arrival does not fit with the first request); otherwise its deadline timer wakes it.
    // Skipping the rest saves a context switch per request while a batch fills.
    private bool MayCompleteBatch(InferenceRequest arrival)
    {
        if (!_policy.Batching || _maxDelayTicks == 0 || _queue.Count == 1 || _queuedRows >= _policy.MaxBatchRows || _queuedRows >= EarlyRows() || _queuedRows >= PipelineRows())
        {
            return true;
        }

        foreach (var size in _policy.PreferredBatchSizes)
        {
            if (size == _queuedRows)
            {
                return true;
            }
        }

        return !BatchPlanner.CanShareExecution(_queue.First()!, arrival);
    }

    private void Run(IModelInstance instance)
    {
        var batch = new InferenceRequest[_policy.Batching ? _policy.MaxBatchRows : 1];
        (long Rows, long Ticks) executed = default;
        while (true)
        {
            int count;
            lock (_gate)
            {
                if (executed.Rows > 0)
                {
                    _costs.Record(executed.Rows, executed.Ticks);
                }

                while (true)
                {
                    var now = _time.GetTimestamp();
                    ExpireTimeouts(now);
                    var plan = BatchPlanner.Plan(_queue, _policy, now, _maxDelayTicks, flush: _stopping, EarlyRows(), PipelineRows());
                    if (plan.RequestCount > 0)
                    {
                        count = Take(plan.RequestCount, batch);
                        if (_queue.Count > 0)
                        {
                            Monitor.Pulse(_gate);
                        }

                        break;
                    }

                    if (_stopping && _queue.Count == 0)
                    {
                        return;
                    }

                    if (plan.WaitUntil != long.MaxValue)
                    {
                        ArmTimer(plan.WaitUntil, now);
                    }

                    Monitor.Wait(_gate);
                }
            }

            executed = Execute(instance, batch.AsSpan(0, count));
            Array.Clear(batch, 0, count);
        }
    }

    private int Take(int count, InferenceRequest[] batch)
    {
        var request = _queue.First();
        for (var i = 0; i < count; i++)
        {
            var next = _queue.Next(request!);
            _queue.Remove(request!);
            _queuedRows -= request!.BatchSize;
            batch[i] = request!;
            request = next;
        }

        return count;
    }

    // Returns the batch's rows and its run time on the scheduler's clock, for the cost model.
    private (long Rows, long Ticks) Execute(IModelInstance instance, Span<InferenceRequest> batch)
    {
        var clockStart = _time.GetTimestamp();
        var start = Stopwatch.GetTimestamp();
        ExecutionTimings timings = default;
        try
        {
            timings = instance.Execute(batch);
        }
        catch (Exception ex)
        {
            foreach (var request in batch)
            {
                request.SetError(InferenceError.Internal($"model '{_modelName}' failed: {ex.Message}"));
            }
        }

        var end = Stopwatch.GetTimestamp();
        var ticks = _time.GetTimestamp() - clockStart;
        long rows = 0;
        long successfulRows = 0;
        BatchTrace? traced = null;
        var successes = 0;
        foreach (var request in batch)
        {
            rows += request.BatchSize;
            if (request.Trace is { } trace)
            {
                trace.OnExecuted(traced ??= new BatchTrace(start, timings, batch.Length, BatchRows(batch)));
            }

            var total = ElapsedSinceReceived(request, end);
            if (request.Error.IsError)
            {
                _statistics.RecordFailure(request.Error.Code == InferenceErrorCode.Cancelled ? FailureReason.Canceled : FailureReason.Backend, total);
                continue;
            }

            successes++;
            successfulRows += request.BatchSize;
            _statistics.RecordSuccess(total, ModelVersionStatistics.ElapsedNanoseconds(request.QueuedTimestamp, start));
        }

        if (successes > 0)
        {
            _statistics.RecordExecution(rows, successes, successfulRows, timings, _time);
        }

        // Completing hands the request back to its front end, which may recycle it: touch nothing after.
        foreach (var request in batch)
        {
            Finish(request);
        }

        return (rows, ticks);
    }

    private static long BatchRows(Span<InferenceRequest> batch)
    {
        long rows = 0;
        foreach (var request in batch)
        {
            rows += request.BatchSize;
        }

        return rows;
    }

    private void Finish(InferenceRequest request)
    {
        if (_ordered is null)
        {
            request.Complete();
        }
        else
        {
            _ordered.Finish(request);
        }
    }

    // Under the lock.
    private void ExpireTimeouts(long now)
    {
        _queue.Expire(now, _expired);
        if (_expired.Count == 0)
        {
            return;
        }

        var end = Stopwatch.GetTimestamp();
        foreach (var request in _expired)
        {
            _queuedRows -= request.BatchSize;
            var waited = _time.GetElapsedTime(request.Queue.EnqueuedAt, now);
            _statistics.RecordFailure(FailureReason.Rejected, ElapsedSinceReceived(request, end));
            request.SetError(InferenceError.Unavailable(
                $"request for model '{_modelName}' timed out in the queue after {(long)waited.TotalMicroseconds} µs"));
            Finish(request);
        }

        _expired.Clear();
    }

    private void OnTimer()
    {
        lock (_gate)
        {
            _timerDue = long.MaxValue;
            var now = _time.GetTimestamp();
            ExpireTimeouts(now);
            if (_queue.NextExpiry != long.MaxValue)
            {
                ArmTimer(_queue.NextExpiry, now);
            }

            Monitor.PulseAll(_gate);
        }
    }

    // Under the lock. One timer serves every deadline: it is moved only earlier, and whoever it wakes re-arms what they still need.
    private void ArmTimer(long due, long now)
    {
        if (due >= _timerDue)
        {
            return;
        }

        _timerDue = due;
        // Round up to whole milliseconds (the timer's resolution) so it never fires before the deadline, and
        // cap it to the timer's range: a far deadline is simply re-armed by whoever the early wake-up finds waiting.
        var milliseconds = Math.Ceiling(_time.GetElapsedTime(now, Math.Max(now, due)).TotalMilliseconds);
        var delay = TimeSpan.FromMilliseconds(Math.Min(milliseconds, MaxTimerMilliseconds));
        _timer.Change(delay, Timeout.InfiniteTimeSpan);
    }

    private long MicrosecondsToTicks(long microseconds) =>
        microseconds >= long.MaxValue / _time.TimestampFrequency ? long.MaxValue / 4 : microseconds * _time.TimestampFrequency / 1_000_000;

    private static long ElapsedSinceReceived(InferenceRequest request, long end) =>
        ModelVersionStatistics.ElapsedNanoseconds(request.ReceivedTimestamp == 0 ? request.QueuedTimestamp : request.ReceivedTimestamp, end);

    /// <summary>Stops taking requests, runs every queued one, then stops the instance threads.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_stopping)
            {
                return;
            }

            _stopping = true;
            Monitor.PulseAll(_gate);
        }

        foreach (var thread in _threads)
        {
            thread.Join();
        }

        _timer.Dispose();
        if (_threads.Length == 0)
        {
            lock (_gate)
            {
                while (_queue.First() is { } orphan)
                {
                    _queue.Remove(orphan);
                    _queuedRows -= orphan.BatchSize;
                    orphan.SetError(InferenceError.Unavailable($"model '{_modelName}' is unloading"));
                    Finish(orphan);
                }
            }
        }
    }
}
