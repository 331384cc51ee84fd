using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace InferenceServer.FunctionalTests.Infrastructure;

/// <summary>
/// The server as a separate process (the published executable), listening on 127.0.0.1 with ports chosen
/// by the OS. The ports come from the server's own start-up log line, so the test needs no port guessing.
/// Disposing sends SIGTERM, the signal Kubernetes and Docker stop containers with.
/// </summary>
internal sealed partial class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output;

    private ServerProcess(Process process, StringBuilder output, int httpPort, int grpcPort, int metricsPort)
    {
        _process = process;
        _output = output;
        HttpPort = httpPort;
        GrpcPort = grpcPort;
        MetricsPort = metricsPort;
    }

    public int HttpPort { get; }

    /// <summary>The server's process id (to read its /proc entries).</summary>
    public int ProcessId => _process.Id;

    public int GrpcPort { get; }

    public int MetricsPort { get; }

    /// <summary>Everything the process wrote so far (stdout and stderr), for assertion messages.</summary>
    public string Output => Text(_output);

    public static async Task<ServerProcess> StartAsync(string executable, string repository, params string[] extraArguments)
    {
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        // Like in-process test servers, the process accepts control calls that carry TestServer.ControlToken.
        start.Environment["INFERENCE_SERVER_CONTROL_TOKEN"] = TestServer.ControlToken;
        foreach (var argument in new[] { $"--model-repository={repository}", "--address=127.0.0.1", "--http-port=0", "--grpc-port=0", "--metrics-port=0" }.Concat(extraArguments))
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {executable}");
        var listening = new TaskCompletionSource<(int, int, int)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new StringBuilder();
        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(line);
            }

            if (ListeningLine().Match(line) is { Success: true } match)
            {
                listening.TrySetResult((int.Parse(match.Groups[1].Value), int.Parse(match.Groups[2].Value), int.Parse(match.Groups[3].Value)));
            }
        }

        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException($"the server exited with {process.ExitCode} before listening:\n{Text(output)}"));
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            var (http, grpc, metrics) = await listening.Task.WaitAsync(TestTimeouts.Server);
            return new ServerProcess(process, output, http, grpc, metrics);
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    /// <summary>Sends SIGTERM and waits for the process to exit; returns its exit code.</summary>
    public async Task<int> StopAsync()
    {
        if (!_process.HasExited)
        {
            if (Kill(_process.Id, SigTerm) != 0)
            {
                throw new InvalidOperationException($"kill({_process.Id}, SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}");
            }

            await _process.WaitForExitAsync().WaitAsync(TestTimeouts.Server);
        }

        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            _process.Dispose();
        }
    }

    private static string Text(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    private const int SigTerm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    [GeneratedRegex(@"Serving HTTP on port (\d+), gRPC on port (\d+), metrics on port (\d+)")]
    private static partial Regex ListeningLine();
}
