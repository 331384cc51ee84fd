using System.Diagnostics;
using InferenceServer.FunctionalTests.Infrastructure;

namespace InferenceServer.FunctionalTests.Aot;

/// <summary>
/// The client library trimmed and compiled native: its sample binary, published with native AOT and no trim/AOT
/// warning, calls the real server over HTTP and gRPC (health, metadata, config, statistics, inference, a stream)
/// and checks the answers itself.
/// </summary>
public sealed class ClientAotSampleTests
{
    [Fact]
    public async Task NativeSample_CallsBothProtocols()
    {
        var binary = await AotBinary.ClientSample.GetAsync().WaitAsync(TimeSpan.FromMinutes(11));
        await using var server = await TestServer.StartAsync(TestRepositories.WriteSimple);
        var start = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add($"http://127.0.0.1:{server.HttpPort}");
        start.ArgumentList.Add($"http://127.0.0.1:{server.GrpcPort}");

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TestTimeouts.Load);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }

        var output = await stdout;
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}\n{output}\n{await stderr}");
        Assert.Contains("http: ok", output, StringComparison.Ordinal);
        Assert.Contains("grpc: ok", output, StringComparison.Ordinal);
        Assert.Contains("stream: ok", output, StringComparison.Ordinal);
    }
}
