using System.Diagnostics;

namespace InferenceServer.FunctionalTests.Infrastructure;

/// <summary>
/// A native-AOT executable the tests run: the file an environment variable names when set (CI publishes once, failing on
/// any trim/AOT warning, and points there), otherwise published by this run into a temporary folder, once per test
/// process; a publish that fails or warns IL2xxx/IL3xxx fails the tests that need it.
/// </summary>
internal sealed class AotBinary
{
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(10);

    private readonly string _project;
    private readonly string _executable;
    private readonly Lazy<Task<string>> _published;

    private AotBinary(string environmentVariable, string project, string executable)
    {
        EnvironmentVariable = environmentVariable;
        _project = project;
        _executable = executable;
        _published = new(PublishAsync);
    }

    /// <summary>The server (<c>$INFERENCE_SERVER_AOT_BINARY</c>).</summary>
    public static AotBinary Server { get; } = new("INFERENCE_SERVER_AOT_BINARY", Path.Combine("src", "InferenceServer"), "inference-server");

    /// <summary>The client library's sample, tests/InferenceServer.ClientAotSample (<c>$INFERENCE_CLIENT_SAMPLE_BINARY</c>).</summary>
    public static AotBinary ClientSample { get; } =
        new("INFERENCE_CLIENT_SAMPLE_BINARY", Path.Combine("tests", "InferenceServer.ClientAotSample"), "inference-client-sample");

    public string EnvironmentVariable { get; }

    public Task<string> GetAsync()
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(configured))
        {
            return File.Exists(configured)
                ? Task.FromResult(configured)
                : throw new FileNotFoundException($"{EnvironmentVariable} names a file that does not exist", configured);
        }

        return _published.Value;
    }

    private async Task<string> PublishAsync()
    {
        var output = Path.Combine(Path.GetTempPath(), $"{_executable}-aot-test", Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepositoryRoot.Find(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "publish", _project, "-c", "Release", "-r", "linux-x64", "-o", output, "-nologo" })
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
            throw new InvalidOperationException($"dotnet publish of {_project} failed or warned ({process.ExitCode}):\n{log}");
        }

        return Path.Combine(output, _executable);
    }
}
