using System.Diagnostics;

namespace InferenceServer.FunctionalTests.Infrastructure;

/// <summary>
/// The native-AOT server executable: <c>$INFERENCE_SERVER_AOT_BINARY</c> when set (CI publishes once and
/// points here), otherwise published by this run into a temporary folder, once per test process.
/// </summary>
internal static class AotBinary
{
    public const string EnvironmentVariable = "INFERENCE_SERVER_AOT_BINARY";

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
        var root = RepositoryRoot.Find();
        var output = Path.Combine(Path.GetTempPath(), "inference-server-aot-test", Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "publish", Path.Combine("src", "InferenceServer"), "-c", "Release", "-r", "linux-x64", "-o", output, "-nologo" })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet publish");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(PublishTimeout);
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish failed ({process.ExitCode}):\n{await stdout}\n{await stderr}");
        }

        return Path.Combine(output, "inference-server");
    }
}
