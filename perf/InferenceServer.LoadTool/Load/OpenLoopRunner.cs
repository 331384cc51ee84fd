using InferenceServer.LoadTool.Measurement;
using InferenceServer.LoadTool.Requests;

namespace InferenceServer.LoadTool.Load;

/// <summary>
/// Open loop: requests are due at times the schedule fixes in advance, whatever the server does, and each
/// request's latency runs from the time it was <em>due</em>, not the time it left. A server that stalls for S
/// therefore shows the stall in every request due during it (S, S − gap, S − 2·gap, …), instead of one slow
/// request and a quiet gap — the coordinated-omission correction. At most <c>maxInFlight</c> requests are
/// outstanding; a due request that finds none free waits, and the wait counts as latency too.
/// The dispatcher runs on a thread of its own, so sends leave on time even when the thread pool is busy.
/// </summary>
internal sealed class OpenLoopRunner : ILoadRunner
{
    private readonly IRequestSender _sender;
    private readonly ISendSchedule _schedule;
    private readonly ILoadClock _clock;
    private readonly WindowRecorder _recorder;
    private readonly SemaphoreSlim _slots;
    private readonly int _maxInFlight;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _dispatcherDone = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public OpenLoopRunner(IRequestSender sender, ISendSchedule schedule, int maxInFlight, ILoadClock clock, WindowRecorder recorder)
    {
        _sender = sender;
        _schedule = schedule;
        _clock = clock;
        _recorder = recorder;
        _maxInFlight = maxInFlight;
        _slots = new SemaphoreSlim(maxInFlight, maxInFlight);
    }

    public void Start(CancellationToken cancellationToken)
    {
        var thread = new Thread(() =>
        {
            try
            {
                Dispatch(_stop.Token, cancellationToken);
                _dispatcherDone.SetResult();
            }
            catch (Exception e)
            {
                _dispatcherDone.SetException(e);
            }
        })
        {
            IsBackground = true,
            Name = "open-loop dispatcher",
        };
        thread.Start();
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _dispatcherDone.Task.ConfigureAwait(false);
        await DrainAsync().ConfigureAwait(false);
    }

    /// <summary>Sends on schedule until <paramref name="stop"/>; runs on the calling thread (tests call it directly).</summary>
    internal void Dispatch(CancellationToken stop, CancellationToken cancellationToken)
    {
        var start = _clock.Now;
        var offsetSeconds = 0.0;
        while (!stop.IsCancellationRequested)
        {
            // Due times are offsets from the start, not from the previous send, so lateness never accumulates.
            offsetSeconds += _schedule.NextGapSeconds();
            var due = start + (long)(offsetSeconds * _clock.TicksPerSecond);
            _clock.SleepUntil(due, stop);
            if (stop.IsCancellationRequested)
            {
                return;
            }

            try
            {
                _slots.Wait(stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }

            _ = SendAsync(due, cancellationToken);
        }
    }

    /// <summary>Waits until every sent request has been recorded: all slots free again.</summary>
    internal async Task DrainAsync()
    {
        for (var i = 0; i < _maxInFlight; i++)
        {
            await _slots.WaitAsync().ConfigureAwait(false);
        }

        _slots.Release(_maxInFlight);
    }

    private async Task SendAsync(long due, CancellationToken cancellationToken)
    {
        try
        {
            var sent = _clock.Now;
            var outcome = await _sender.SendAsync(cancellationToken).ConfigureAwait(false);
            var done = _clock.Now;
            _recorder.Record(_clock.Nanoseconds(due, done), outcome, _clock.Nanoseconds(due, sent));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The run was aborted: nothing is reported.
        }
        catch (Exception e)
        {
            // Senders turn failures into outcomes; anything else still counts, as a client error.
            _recorder.Record(0, RequestOutcome.Failed($"client {e.GetType().Name}"));
        }
        finally
        {
            _slots.Release();
        }
    }
}
