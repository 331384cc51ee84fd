using System.Diagnostics;

namespace InferenceServer.FunctionalTests.Infrastructure;

/// <summary>
/// The client library's native-AOT sample (tests/InferenceServer.ClientAotSample): <c>$INFERENCE_CLIENT_SAMPLE_BINARY</c>
/// when set (CI publishes once, failing on any trim/AOT warning, and points here), otherwise published by this run into
/// a temporary folder, once per test process, as <see cref="AotBinary"/> does for the server.
/// </summary>
internal static class ClientSampleBinary
{
    public const string EnvironmentVariable = "INFERENCE_CLIENT_SAMPLE_BINARY";

    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(10);
    private static readonly Lazy<Task<string>> Published = new(PublishAsync);

    public static Task<string> GetAsync()
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(configured))
        {
            return File.Exists(configured)
                ? Task.FromResult(configured)
                : throw new FileNotFoundException($"{EnvironmentVariable} names a file that does not exist", configured);
        }

        return Published.Value;
    }

    private static async Task<string> PublishAsync()
    {
        var output = Path.Combine(Path.GetTempPath(), "inference-client-sample-aot", Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepositoryRoot.Find(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "publish", Path.Combine("tests", "InferenceServer.ClientAotSample"), "-c", "Release", "-r", "linux-x64", "-o", output, "-nologo" })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet publish");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(PublishTimeout);
        await process.WaitForExitAsync(timeout.Token);
        var log = await stdout + await stderr;
        if (process.ExitCode != 0 || log.Contains("warning IL", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"dotnet publish of the client sample failed or warned ({process.ExitCode}):\n{log}");
        }

        return Path.Combine(output, "inference-client-sample");
    }
}
