using InferenceServer.LoadTool.Measurement;
using InferenceServer.LoadTool.Options;
using InferenceServer.LoadTool.Reporting;
using InferenceServer.LoadTool.Requests;
using InferenceServer.LoadTool.Server;

namespace InferenceServer.LoadTool.Load;

/// <summary>
/// Runs one step: reads the server's statistics, starts the load, closes a measurement window every
/// interval until three in a row are stable (or the trials or the fixed duration run out), stops the load
/// and waits for every request in flight, then reads the statistics again. Nothing else is in flight at
/// either read, so the server's counts and the step's totals cover the same requests.
/// </summary>
internal sealed class StepRunner(LoadOptions options, IServerClient server, IRequestSender sender, ILoadClock clock, ILoadProgress progress)
{
    private const int HistogramBins = 40;
    private static readonly TimeSpan ProgressTick = TimeSpan.FromSeconds(1);

    /// <summary>When the whole run began (the clock's timestamp): the timeline's zero. Default: this step's start.</summary>
    public long? RunStart { get; init; }

    /// <summary>A send schedule that replaces the one the level implies (a capture's replay); null for the level's own.</summary>
    public ISendSchedule? Schedule { get; init; }

    public async Task<StepReport> RunAsync(LoadLevel level, CancellationToken cancellationToken) =>
        (await RunMeasuredAsync(level, cancellationToken).ConfigureAwait(false)).Report;

    /// <summary>Runs the step; returns its report with the windows it measured, merged (scenario thresholds merge those across steps).</summary>
    public async Task<(StepReport Report, MeasuredWindows Measured)> RunMeasuredAsync(LoadLevel level, CancellationToken cancellationToken)
    {
        var before = await server.ReadStatisticsAsync(options.Model, options.ModelVersion, cancellationToken).ConfigureAwait(false);
        var recorder = new WindowRecorder(clock);
        var runner = CreateRunner(level, recorder);
        var start = clock.Now;
        var timelineZero = RunStart ?? start;
        var (windowLength, fixedWindows) = WindowPlan(options);
        var windows = new List<WindowResult>();
        var stable = false;
        runner.Start(cancellationToken);
        try
        {
            while (true)
            {
                await WaitWindowAsync(level, recorder, start, windowLength, cancellationToken).ConfigureAwait(false);
                windows.Add(recorder.CloseWindow());
                stable = StabilityCheck.IsStable(windows, options.StabilityPercent, options.StabilityPercentile);
                progress.WindowClosed(level, windows.Count, windows[^1], stable);
                var done = fixedWindows > 0 ? windows.Count >= fixedWindows : stable || windows.Count >= options.MaxTrials;
                if (done)
                {
                    break;
                }
            }
        }
        finally
        {
            await runner.StopAsync().ConfigureAwait(false);
        }

        var after = await server.ReadStatisticsAsync(options.Model, options.ModelVersion, cancellationToken).ConfigureAwait(false);

        // Stability reports the windows it judged; a fixed-length step reports all of them.
        var measured = MeasuredWindows.Merge(fixedWindows > 0 ? windows : windows.Skip(Math.Max(0, windows.Count - StabilityCheck.Windows)).ToArray());
        var (successes, errors) = recorder.Totals();
        var report = new StepReport(
            level.ConcurrencyLevel,
            level.RequestRate,
            fixedWindows > 0,
            stable,
            measured.Count,
            measured.Duration.TotalSeconds,
            measured.Successes,
            measured.RequestsPerSecond,
            measured.RequestsPerSecond * options.BatchSize,
            Summarize(measured.Latency, options.StabilityPercentile),
            measured.Errors,
            successes,
            errors,
            level.IsOpenLoop && measured.SendLagCount > 0
                ? new SendLagSummary(measured.SendLagNanosecondsSum / (double)measured.SendLagCount / 1000.0, measured.SendLagNanosecondsMax / 1000.0)
                : null,
            ServerBreakdown.Between(before, after))
        {
            RampToRate = level.RampToRate,
            Timeline = Timeline(windows, clock.Elapsed(timelineZero, start).TotalSeconds),
            Histogram = [.. measured.Latency.Bins(HistogramBins).Select(b => new LatencyBin(b.LowNanoseconds / 1000.0, b.HighNanoseconds / 1000.0, b.Count))],
        };
        progress.StepFinished(level, report);
        return (report, measured);
    }

    /// <summary>The window length, and how many windows a fixed-length step has (0: until stable).</summary>
    internal static (TimeSpan Window, int FixedWindows) WindowPlan(LoadOptions options)
    {
        if (options.Duration is not { } duration)
        {
            return (options.MeasurementInterval, 0);
        }

        if (duration <= options.MeasurementInterval)
        {
            return (duration, 1);
        }

        var count = (int)Math.Round(duration / options.MeasurementInterval, MidpointRounding.AwayFromZero);
        return (duration / count, count);
    }

    internal static LatencySummary Summarize(LatencyHistogram latency, double? percentile) => new(
        latency.MeanNanoseconds / 1000.0,
        latency.MinNanoseconds / 1000.0,
        latency.ValueAtPercentile(50) / 1000.0,
        latency.ValueAtPercentile(90) / 1000.0,
        latency.ValueAtPercentile(95) / 1000.0,
        latency.ValueAtPercentile(99) / 1000.0,
        latency.MaxNanoseconds / 1000.0,
        percentile,
        percentile is { } p ? latency.ValueAtPercentile(p) / 1000.0 : null);

    private static List<WindowPoint> Timeline(List<WindowResult> windows, double stepOffsetSeconds)
    {
        var points = new List<WindowPoint>(windows.Count);
        var at = stepOffsetSeconds;
        foreach (var w in windows)
        {
            points.Add(new WindowPoint(
                at, w.Duration.TotalSeconds, w.Successes, w.ErrorCount, w.RequestsPerSecond,
                w.Latency.ValueAtPercentile(50) / 1000.0, w.Latency.ValueAtPercentile(90) / 1000.0, w.Latency.ValueAtPercentile(99) / 1000.0));
            at += w.Duration.TotalSeconds;
        }

        return points;
    }

    private ILoadRunner CreateRunner(LoadLevel level, WindowRecorder recorder)
    {
        if (level.RequestRate is { } rate)
        {
            var poisson = options.Distribution == RequestDistribution.Poisson;
            ISendSchedule schedule = (level.RampToRate, poisson) switch
            {
                _ when Schedule is { } given => given,
                ({ } to, _) => new RampSchedule(rate, to, options.Duration ?? options.MeasurementInterval, poisson ? new Random(options.Seed) : null),
                (null, true) => new PoissonSchedule(rate, new Random(options.Seed)),
                _ => new ConstantSchedule(rate),
            };
            return new OpenLoopRunner(sender, schedule, options.MaxInFlight, clock, recorder);
        }

        return new ClosedLoopRunner(sender, level.ConcurrencyLevel ?? 1, clock, recorder);
    }

    private async Task WaitWindowAsync(LoadLevel level, WindowRecorder recorder, long stepStart, TimeSpan length, CancellationToken cancellationToken)
    {
        var end = clock.Now + (long)(length.TotalSeconds * clock.TicksPerSecond);
        while (true)
        {
            var remaining = clock.Elapsed(clock.Now, end);
            if (remaining <= TimeSpan.Zero)
            {
                return;
            }

            await clock.DelayAsync(remaining < ProgressTick ? remaining : ProgressTick, cancellationToken).ConfigureAwait(false);
            var (successes, errors) = recorder.Totals();
            progress.Running(level, clock.Elapsed(stepStart, clock.Now), successes, errors.Values.Sum());
        }
    }
}
