using Microsoft.Extensions.Time.Testing;

namespace InferenceServer.Core.Tests.Infrastructure;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that also tells when a timer was armed, and for when. Code under test
/// arms its timers on its own threads, computing the due time from a clock reading taken a moment before;
/// a test that advanced the clock in between would push the timer late. Waiting for
/// <see cref="TimerArmedAsync"/> first makes "advance past the deadline" mean exactly that.
/// </summary>
internal sealed class FakeClock : TimeProvider
{
    private readonly FakeTimeProvider _fake = new();
    private readonly long _start;
    private readonly Lock _lock = new();
    private readonly HashSet<long> _armedAt = [];
    private readonly List<(long Low, long High, TaskCompletionSource<TimeSpan> Armed)> _waiters = [];

    public FakeClock()
    {
        _start = _fake.GetTimestamp();
    }

    /// <summary>Fake time since this clock was created.</summary>
    public TimeSpan Elapsed => TimeSpan.FromTicks(_fake.GetTimestamp() - _start);

    public override long TimestampFrequency => _fake.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => _fake.LocalTimeZone;

    public override long GetTimestamp() => _fake.GetTimestamp();

    public override DateTimeOffset GetUtcNow() => _fake.GetUtcNow();

    /// <summary>Moves time forward; timers that come due fire on this thread before it returns.</summary>
    public void Advance(TimeSpan delta) => _fake.Advance(delta);

    /// <summary>
    /// Moves the clock to <paramref name="deadline"/> (fake time since creation) and on to every timer armed for
    /// later, until <paramref name="until"/> completes. Code that arms its timer on another thread from a clock
    /// reading taken a moment before arms it late when this advance falls in between; following such timers
    /// keeps the test from waiting on a time nobody will reach.
    /// </summary>
    public async Task AdvancePastAsync(TimeSpan deadline, Task until)
    {
        if (deadline > Elapsed)
        {
            Advance(deadline - Elapsed);
        }

        using var stop = new CancellationTokenSource();
        while (true)
        {
            var late = TimerArmedBetweenAsync(Elapsed + TimeSpan.FromTicks(1), TimeSpan.MaxValue, stop.Token);
            if (await Task.WhenAny(until, late) == until)
            {
                await stop.CancelAsync();
                await until;
                return;
            }

            var due = await late;
            if (due > Elapsed)
            {
                Advance(due - Elapsed);
            }
        }
    }

    /// <summary>Completes once some timer of this clock has been set to fire at <paramref name="sinceStart"/> (fake time since creation).</summary>
    public Task TimerArmedAsync(TimeSpan sinceStart) => TimerArmedBetweenAsync(sinceStart, sinceStart + TimeSpan.FromTicks(1));

    /// <summary>
    /// Completes, with the due time since creation, once some timer of this clock has been set to fire in
    /// [<paramref name="from"/>, <paramref name="to"/>): for code that rounds its waits, so that the exact due
    /// time depends on when it looked at the clock.
    /// </summary>
    public Task<TimeSpan> TimerArmedBetweenAsync(TimeSpan from, TimeSpan to, CancellationToken cancel = default)
    {
        var (low, high) = (_start + from.Ticks, to == TimeSpan.MaxValue ? long.MaxValue : _start + to.Ticks);
        lock (_lock)
        {
            foreach (var due in _armedAt)
            {
                if (due >= low && due < high)
                {
                    return Task.FromResult(TimeSpan.FromTicks(due - _start));
                }
            }

            var armed = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((low, high, armed));
            cancel.Register(() => armed.TrySetCanceled(cancel));
            return armed.Task.WithTimeout();
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new WatchedTimer(this, _fake.CreateTimer(callback, state, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan));
        timer.Change(dueTime, period);
        return timer;
    }

    private void Armed(long due)
    {
        List<TaskCompletionSource<TimeSpan>>? ready = null;
        lock (_lock)
        {
            _armedAt.Add(due);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (due >= _waiters[i].Low && due < _waiters[i].High)
                {
                    (ready ??= []).Add(_waiters[i].Armed);
                    _waiters.RemoveAt(i);
                }
            }
        }

        ready?.ForEach(armed => armed.TrySetResult(TimeSpan.FromTicks(due - _start)));
    }

    private sealed class WatchedTimer(FakeClock clock, ITimer inner) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            // The inner timer counts from the fake time it reads under its own lock, which an advance on another
            // thread may move between these two readings: record both ends, so a waiter for either wakes.
            var dueBefore = clock._fake.GetTimestamp() + dueTime.Ticks;
            var changed = inner.Change(dueTime, period);
            var dueAfter = clock._fake.GetTimestamp() + dueTime.Ticks;
            if (changed && dueTime != Timeout.InfiniteTimeSpan)
            {
                clock.Armed(dueBefore);
                if (dueAfter != dueBefore)
                {
                    clock.Armed(dueAfter);
                }
            }

            return changed;
        }

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
