using InferenceServer.LoadTool.Data;
using InferenceServer.LoadTool.Load;
using InferenceServer.LoadTool.Options;
using InferenceServer.LoadTool.Reporting;
using InferenceServer.LoadTool.Thresholds;

namespace InferenceServer.LoadTool;

/// <summary>
/// A whole run in process: learns the model's inputs from the server, builds the input data once, then runs
/// each step in turn. What <c>inference-load</c> does between parsing its flags and printing its report;
/// tests call it directly.
/// </summary>
public static class LoadSession
{
    /// <param name="progress">Where the live progress goes (the tool passes standard error); null for none.</param>
    public static async Task<LoadReport> RunAsync(LoadOptions options, TextWriter? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        using var connections = new LoadConnections(options);
        var model = await connections.Server.DescribeAsync(options.Model, options.ModelVersion, cancellationToken).ConfigureAwait(false);
        var inputs = InputDataBuilder.Build(model, options);
        var sender = connections.CreateSender(inputs);
        ILoadProgress sink = progress is null
            ? NullProgress.Instance
            : new ConsoleProgress(progress, rewriteInPlace: ReferenceEquals(progress, Console.Error) && !Console.IsErrorRedirected);
        var runner = new StepRunner(options, connections.Server, sender, StopwatchClock.Instance, sink);
        var steps = new List<StepReport>();
        foreach (var level in options.Levels())
        {
            var step = await runner.RunAsync(level, cancellationToken).ConfigureAwait(false);
            steps.Add(options.Thresholds.Count == 0 ? step : step with
            {
                Thresholds = [.. options.Thresholds.Select(t => ThresholdResult.Check(t, "step", ThresholdSubject.Of(step)))],
            });
        }

        return new LoadReport(
            options.Model,
            options.ModelVersion,
            options.Protocol == Protocol.Grpc ? "grpc" : "http",
            options.Protocol == Protocol.Grpc ? "raw" : options.Encoding == TensorEncoding.Binary ? "binary" : "json",
            options.BatchSize,
            options.RequestRateRange is null ? "concurrency" : "request_rate",
            options.MeasurementInterval.TotalMilliseconds,
            steps);
    }
}
