using InferenceServer.LoadTool.Load;
using InferenceServer.LoadTool.Options;
using InferenceServer.LoadTool.Reporting;
using InferenceServer.LoadTool.Scenarios;
using InferenceServer.LoadTool.Thresholds;

namespace InferenceServer.LoadTool.Replay;

/// <summary>
/// <c>--replay FILE</c>: sends a capture's requests once each, in their arrival order, at their recorded pace
/// (<c>--replay-speed</c> times faster) — an open loop whose due times are the capture's, so latency counts from when
/// each request was due, as in any open loop. Every request carries exactly the captured inputs (HTTP binary tensors
/// or gRPC raw contents: the server receives the captured bytes). One step, as long as the capture lasts at that
/// speed plus a second to drain; the model is the capture's unless <c>-m</c> names another.
/// </summary>
internal static class ReplaySession
{
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(1);

    public static async Task<LoadReport> RunAsync(LoadOptions flags, TextWriter? progress, CancellationToken cancellationToken)
    {
        var capture = CaptureFile.Read(flags.ReplayFile!);
        if (capture.Requests.Count == 0)
        {
            throw new InvalidDataException($"{flags.ReplayFile}: the capture holds no request");
        }

        // The file is in answer order; requests are sent in arrival order (a stable sort keeps ties in file order).
        var requests = capture.Requests.OrderBy(r => r.OffsetMicroseconds).ToArray();
        var offsets = requests.Select(r => r.OffsetMicroseconds).ToArray();
        var span = TimeSpan.FromSeconds((offsets[^1] - offsets[0]) / 1e6 / flags.ReplaySpeed);
        var duration = span + Drain;
        var options = flags with
        {
            Model = flags.Model.Length > 0 ? flags.Model : capture.Model,
            Duration = duration,
            MeasurementInterval = flags.MeasurementInterval < duration ? flags.MeasurementInterval : duration,
            ConcurrencyRange = null,
            RequestRateRange = null,
        };

        using var connections = new LoadConnections(options);
        var sender = connections.CreateSender([.. requests.Select(r => r.Inputs)]);
        var sink = progress is null ? (ILoadProgress)NullProgress.Instance : new ConsoleProgress(progress, rewriteInPlace: false);
        var runner = new StepRunner(options, connections.Server, sender, StopwatchClock.Instance, sink)
        {
            Schedule = new ReplaySchedule(offsets, flags.ReplaySpeed),
        };

        // The level's rate is the capture's average, for the report; the schedule above decides every send.
        var rate = capture.Requests.Count / Math.Max(span.TotalSeconds, 1e-3);
        var step = await runner.RunAsync(LoadLevel.Rate(rate), cancellationToken).ConfigureAwait(false);
        step = step with
        {
            Name = $"replay x{flags.ReplaySpeed:0.###} of {capture.Requests.Count} requests",
            Model = options.Model,
            Protocol = ScenarioRunner.ProtocolName(options),
            Thresholds = [.. flags.Thresholds.Select(t => ThresholdResult.Check(t, "step", ThresholdSubject.Of(step)))],
        };
        return new LoadReport(
            options.Model, options.ModelVersion, ScenarioRunner.ProtocolName(options), ScenarioRunner.TensorsName(options),
            options.BatchSize, "replay", options.MeasurementInterval.TotalMilliseconds, [step]);
    }
}
