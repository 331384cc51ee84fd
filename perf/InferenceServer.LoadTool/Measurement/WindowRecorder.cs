using InferenceServer.LoadTool.Load;
using InferenceServer.LoadTool.Requests;

namespace InferenceServer.LoadTool.Measurement;

/// <summary>
/// Collects completions from every request of a step, from any thread. Each completion lands in exactly one
/// window and in the step's totals, under one lock (uncontended at tens of thousands of completions a second,
/// and it keeps a window's histogram, its error counts and its end time consistent with each other).
/// </summary>
internal sealed class WindowRecorder
{
    private readonly Lock _gate = new();
    private readonly ILoadClock _clock;
    private LatencyHistogram _window = new();
    private Dictionary<string, long> _windowErrors = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _totalErrors = new(StringComparer.Ordinal);
    private long _windowStart;
    private long _lagCount;
    private long _lagSum;
    private long _lagMax;
    private long _totalSuccesses;

    public WindowRecorder(ILoadClock clock)
    {
        _clock = clock;
        _windowStart = clock.Now;
    }

    /// <param name="latencyNanoseconds">From the intended send (open loop) or the send (closed loop) to the end of the response.</param>
    /// <param name="sendLagNanoseconds">Open loop: actual send minus intended send; null in a closed loop.</param>
    public void Record(long latencyNanoseconds, RequestOutcome outcome, long? sendLagNanoseconds = null)
    {
        lock (_gate)
        {
            if (outcome.IsSuccess)
            {
                _window.Record(latencyNanoseconds);
                _totalSuccesses++;
            }
            else
            {
                Increment(_windowErrors, outcome.Error!);
                Increment(_totalErrors, outcome.Error!);
            }

            if (sendLagNanoseconds is { } lag)
            {
                _lagCount++;
                _lagSum += lag;
                _lagMax = Math.Max(_lagMax, lag);
            }
        }
    }

    /// <summary>Ends the current window now and starts the next.</summary>
    public WindowResult CloseWindow()
    {
        lock (_gate)
        {
            var now = _clock.Now;
            var result = new WindowResult(_clock.Elapsed(_windowStart, now), _window, _windowErrors, _lagCount, _lagSum, _lagMax);
            _window = new LatencyHistogram();
            _windowErrors = new Dictionary<string, long>(StringComparer.Ordinal);
            _windowStart = now;
            _lagCount = _lagSum = _lagMax = 0;
            return result;
        }
    }

    /// <summary>Successes and errors by status over the whole step so far, windows or not.</summary>
    public (long Successes, IReadOnlyDictionary<string, long> Errors) Totals()
    {
        lock (_gate)
        {
            return (_totalSuccesses, new Dictionary<string, long>(_totalErrors, StringComparer.Ordinal));
        }
    }

    private static void Increment(Dictionary<string, long> counts, string key) =>
        counts[key] = counts.GetValueOrDefault(key) + 1;
}
