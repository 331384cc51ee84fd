using Grpc.Core;
using InferenceServer.LoadTool.Options;
using InferenceServer.LoadTool.Replay;
using InferenceServer.LoadTool.Reporting;
using InferenceServer.LoadTool.Scenarios;

namespace InferenceServer.LoadTool;

/// <summary>The command line: parse, run, print the table, write the CSV, JSON and HTML files. Returns the exit code.</summary>
public static class LoadToolCommand
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;

    /// <summary>The run completed and a threshold failed: k6's exit code for the same, so CI scripts written for it keep working.</summary>
    public const int ThresholdsFailed = 99;

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(progress);
        if (!OptionsParser.TryParse(args, out var options, out var error))
        {
            if (error.Length == 0)
            {
                await output.WriteLineAsync(OptionsParser.Usage).ConfigureAwait(false);
                return Ok;
            }

            await progress.WriteLineAsync($"error: {error} (see --help)").ConfigureAwait(false);
            return Usage;
        }

        IReadOnlyList<Scenario>? scenarios = null;
        if (options!.ScenarioFile is { } scenarioFile)
        {
            try
            {
                scenarios = ScenarioParser.ReadFile(scenarioFile, options);
            }
            catch (ScenarioException e)
            {
                await progress.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
                return Usage;
            }
        }

        IReadOnlyList<LoadReport> reports;
        try
        {
            reports = scenarios is not null ? await ScenarioRunner.RunAsync(scenarios, progress, cancellationToken).ConfigureAwait(false)
                : options.ReplayFile is not null ? [await ReplaySession.RunAsync(options, progress, cancellationToken).ConfigureAwait(false)]
                : [await LoadSession.RunAsync(options, progress, cancellationToken).ConfigureAwait(false)];
        }
        catch (Exception e) when (e is InvalidOperationException or InvalidDataException or HttpRequestException or RpcException or IOException or System.Text.Json.JsonException)
        {
            await progress.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return Failed;
        }

        foreach (var report in reports)
        {
            ConsoleTable.Write(output, report);
        }

        ThresholdTable.Write(output, reports);
        await WriteFilesAsync(options, reports, scenarios is not null, args, cancellationToken).ConfigureAwait(false);

        var failed = ThresholdTable.Failed(reports).ToList();
        foreach (var threshold in failed)
        {
            await progress.WriteLineAsync($"threshold failed: {ThresholdTable.Describe(threshold)}").ConfigureAwait(false);
        }

        return failed.Count > 0 ? ThresholdsFailed : Ok;
    }

    private static async Task WriteFilesAsync(LoadOptions options, IReadOnlyList<LoadReport> reports, bool scenarioMode, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        if (options.CsvFile is { } csv)
        {
            await using var writer = new StreamWriter(csv);
            CsvReport.Write(writer, reports);
        }

        if (options.JsonFile is { } json)
        {
            var text = scenarioMode ? JsonReport.Serialize(new ScenarioRunReport(reports)) : JsonReport.Serialize(reports[0]);
            await File.WriteAllTextAsync(json, text, cancellationToken).ConfigureAwait(false);
        }

        if (options.HtmlFile is { } html)
        {
            var scenarioText = options.ScenarioFile is { } file ? await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false) : null;
            await File.WriteAllTextAsync(html, HtmlReport.Render(reports, new RunConfiguration(args, scenarioText)), cancellationToken).ConfigureAwait(false);
        }
    }
}
