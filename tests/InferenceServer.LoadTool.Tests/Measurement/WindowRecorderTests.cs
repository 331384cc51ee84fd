using InferenceServer.LoadTool.Measurement;
using InferenceServer.LoadTool.Requests;
using InferenceServer.LoadTool.Tests.Infrastructure;

namespace InferenceServer.LoadTool.Tests.Measurement;

/// <summary>Rates and counts: each completion lands in exactly one window and in the step's totals.</summary>
public class WindowRecorderTests
{
    [Fact]
    public void CloseWindow_TwoSecondsWithFiveHundredSuccesses_RateIsTwoHundredFifty()
    {
        var clock = new VirtualClock();
        var recorder = new WindowRecorder(clock);
        for (var i = 0; i < 500; i++)
        {
            recorder.Record(1_000_000, RequestOutcome.Success);
        }

        recorder.Record(0, RequestOutcome.Failed("HTTP 503"));
        clock.Advance(TimeSpan.FromSeconds(2));

        var window = recorder.CloseWindow();

        Assert.Equal(TimeSpan.FromSeconds(2), window.Duration);
        Assert.Equal(500, window.Successes);
        Assert.Equal(250.0, window.RequestsPerSecond);
        Assert.Equal(1, window.Errors["HTTP 503"]);
    }

    [Fact]
    public void Totals_SpanEveryWindow_WhileWindowsHoldOnlyTheirOwn()
    {
        var clock = new VirtualClock();
        var recorder = new WindowRecorder(clock);
        recorder.Record(10, RequestOutcome.Success);
        recorder.Record(10, RequestOutcome.Failed("timeout"));
        clock.Advance(TimeSpan.FromSeconds(1));
        var first = recorder.CloseWindow();
        recorder.Record(10, RequestOutcome.Success);
        recorder.Record(10, RequestOutcome.Success);
        recorder.Record(10, RequestOutcome.Failed("timeout"));
        clock.Advance(TimeSpan.FromSeconds(3));
        var second = recorder.CloseWindow();
        recorder.Record(10, RequestOutcome.Success);

        var (successes, errors) = recorder.Totals();

        Assert.Equal(1, first.Successes);
        Assert.Equal(2, second.Successes);
        Assert.Equal(TimeSpan.FromSeconds(3), second.Duration);
        Assert.Equal(4, successes);
        Assert.Equal(2, errors["timeout"]);
    }

    [Fact]
    public void Merge_WindowsOfDifferentLengths_RateIsRequestsOverSummedTime()
    {
        var clock = new VirtualClock();
        var recorder = new WindowRecorder(clock);
        var windows = new List<WindowResult>();
        foreach (var (seconds, requests) in new[] { (1.0, 100), (2.0, 300), (0.5, 50) })
        {
            for (var i = 0; i < requests; i++)
            {
                recorder.Record(i, RequestOutcome.Success);
            }

            clock.Advance(TimeSpan.FromSeconds(seconds));
            windows.Add(recorder.CloseWindow());
        }

        var merged = MeasuredWindows.Merge(windows);

        Assert.Equal(450, merged.Successes);
        Assert.Equal(TimeSpan.FromSeconds(3.5), merged.Duration);
        Assert.Equal(450 / 3.5, merged.RequestsPerSecond, 9);
    }

    [Fact]
    public async Task Record_FromManyThreads_LosesNothing()
    {
        // Invariant: every Record lands in exactly one closed window, whatever the interleaving with CloseWindow.
        const int Threads = 4;
        const int PerThread = 20_000;
        var recorder = new WindowRecorder(new VirtualClock());
        var windows = new List<WindowResult>();
        var workers = Enumerable.Range(0, Threads).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < PerThread; i++)
            {
                recorder.Record(i, RequestOutcome.Success);
            }
        })).ToArray();
        var all = Task.WhenAll(workers);
        while (!all.IsCompleted)
        {
            windows.Add(recorder.CloseWindow());
        }

        await all.WaitAsync(TimeSpan.FromSeconds(30));
        windows.Add(recorder.CloseWindow());

        Assert.Equal(Threads * PerThread, windows.Sum(w => w.Successes));
        Assert.Equal(Threads * PerThread, recorder.Totals().Successes);
    }
}
