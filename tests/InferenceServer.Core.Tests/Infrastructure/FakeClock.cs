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
    private readonly List<(long Due, TaskCompletionSource Armed)> _waiters = [];

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

    /// <summary>Completes once some timer of this clock has been set to fire at <paramref name="sinceStart"/> (fake time since creation).</summary>
    public Task TimerArmedAsync(TimeSpan sinceStart)
    {
        var due = _start + sinceStart.Ticks;
        lock (_lock)
        {
            if (_armedAt.Contains(due))
            {
                return Task.CompletedTask;
            }

            var armed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((due, armed));
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
        List<TaskCompletionSource>? ready = null;
        lock (_lock)
        {
            _armedAt.Add(due);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Due == due)
                {
                    (ready ??= []).Add(_waiters[i].Armed);
                    _waiters.RemoveAt(i);
                }
            }
        }

        ready?.ForEach(armed => armed.TrySetResult());
    }

    private sealed class WatchedTimer(FakeClock clock, ITimer inner) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            var due = clock._fake.GetTimestamp() + dueTime.Ticks;
            var changed = inner.Change(dueTime, period);
            if (changed && dueTime != Timeout.InfiniteTimeSpan)
            {
                clock.Armed(due);
            }

            return changed;
        }

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
