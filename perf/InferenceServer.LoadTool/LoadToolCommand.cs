using Grpc.Core;
using InferenceServer.LoadTool.Options;
using InferenceServer.LoadTool.Reporting;

namespace InferenceServer.LoadTool;

/// <summary>The command line: parse, run, print the table, write the CSV and JSON files. Returns the exit code.</summary>
public static class LoadToolCommand
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter progress, CancellationToken cancellationToken)
    {
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

        LoadReport report;
        try
        {
            report = await LoadSession.RunAsync(options!, progress, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or InvalidDataException or HttpRequestException or RpcException or IOException or System.Text.Json.JsonException)
        {
            await progress.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return Failed;
        }

        ConsoleTable.Write(output, report);
        if (options!.CsvFile is { } csv)
        {
            await using var writer = new StreamWriter(csv);
            CsvReport.Write(writer, report);
        }

        if (options.JsonFile is { } json)
        {
            await File.WriteAllTextAsync(json, JsonReport.Serialize(report), cancellationToken).ConfigureAwait(false);
        }

        return Ok;
    }
}
