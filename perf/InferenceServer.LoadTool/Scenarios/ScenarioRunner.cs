using InferenceServer.LoadTool.Data;
using InferenceServer.LoadTool.Load;
using InferenceServer.LoadTool.Measurement;
using InferenceServer.LoadTool.Options;
using InferenceServer.LoadTool.Reporting;
using InferenceServer.LoadTool.Thresholds;

namespace InferenceServer.LoadTool.Scenarios;

/// <summary>
/// Runs the scenarios of a file side by side (a primary and a canary model at once), each its steps in turn, every
/// step a fixed-length step of the flags' kind with its own connections. All timelines count from one start, so the
/// HTML report draws them on one axis. Each step reads its model's statistics around itself: two scenarios loading
/// the same model at once see each other's requests in the server's numbers (the client's numbers stay their own).
/// </summary>
internal static class ScenarioRunner
{
    public static async Task<IReadOnlyList<LoadReport>> RunAsync(IReadOnlyList<Scenario> scenarios, TextWriter? progress, CancellationToken cancellationToken)
    {
        var start = StopwatchClock.Instance.Now;
        var shared = progress is null ? null : TextWriter.Synchronized(progress);

        // One scenario failing (an unknown model, a server that went away) stops the others: the run is lost either way.
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var runs = scenarios.Select(s => Task.Run(
            async () =>
            {
                try
                {
                    return await RunScenarioAsync(s, start, shared, failed.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    await failed.CancelAsync().ConfigureAwait(false);
                    throw;
                }
            },
            CancellationToken.None)).ToArray();
        try
        {
            return await Task.WhenAll(runs).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // WhenAll may surface a cancelled sibling first; the failure that cancelled it is the one to report.
            throw runs.Select(r => r.Exception?.InnerException).FirstOrDefault(e => e is not null and not OperationCanceledException) ?? throw new InvalidOperationException("a scenario was cancelled");
        }
    }

    private static async Task<LoadReport> RunScenarioAsync(Scenario scenario, long runStart, TextWriter? progress, CancellationToken cancellationToken)
    {
        ILoadProgress sink = progress is null ? NullProgress.Instance : new ConsoleProgress(new PrefixedWriter(progress, $"[{scenario.Name}] "), rewriteInPlace: false);
        var steps = new List<StepReport>();
        var measured = new List<MeasuredWindows>();
        foreach (var step in scenario.Steps)
        {
            var options = step.Options;
            using var connections = new LoadConnections(options);
            var model = await connections.Server.DescribeAsync(options.Model, options.ModelVersion, cancellationToken).ConfigureAwait(false);
            var sender = connections.CreateSender(InputDataBuilder.Build(model, options));
            var runner = new StepRunner(options, connections.Server, sender, StopwatchClock.Instance, sink) { RunStart = runStart };
            var (report, windows) = await runner.RunMeasuredAsync(step.Level, cancellationToken).ConfigureAwait(false);
            steps.Add(report with
            {
                Name = step.Name,
                Model = options.Model,
                Protocol = ProtocolName(options),
                Thresholds = [.. step.Thresholds.Select(t => ThresholdResult.Check(t, "step", ThresholdSubject.Of(report)))],
            });
            measured.Add(windows);
        }

        var first = scenario.Steps[0].Options;
        var whole = Overall(steps, measured, first.StabilityPercentile);
        return new LoadReport(
            first.Model,
            first.ModelVersion,
            ProtocolName(first),
            TensorsName(first),
            first.BatchSize,
            "scenario",
            first.MeasurementInterval.TotalMilliseconds,
            steps)
        {
            Scenario = scenario.Name,
            Thresholds = [.. scenario.Thresholds.Select(t => ThresholdResult.Check(t, "scenario", whole))],
        };
    }

    /// <summary>The scenario as one measurement: every step's measured windows merged, every request of every step counted.</summary>
    internal static ThresholdSubject Overall(IReadOnlyList<StepReport> steps, IReadOnlyList<MeasuredWindows> measured, double? percentile)
    {
        var latency = LatencyHistogram.Merge(measured.Select(m => m.Latency));
        var seconds = measured.Sum(m => m.Duration.TotalSeconds);
        return new ThresholdSubject(
            StepRunner.Summarize(latency, percentile),
            seconds > 0 ? latency.Count / seconds : 0,
            steps.Sum(s => s.StepSuccesses),
            steps.Sum(s => s.StepErrors.Values.Sum()));
    }

    internal static string ProtocolName(LoadOptions options) => options.Protocol == Protocol.Grpc ? "grpc" : "http";

    internal static string TensorsName(LoadOptions options) =>
        options.Protocol == Protocol.Grpc ? "raw" : options.Encoding == TensorEncoding.Binary ? "binary" : "json";
}
