using InferenceServer.Cli;
using InferenceServer.FunctionalTests.Infrastructure;

namespace InferenceServer.FunctionalTests.Http;

/// <summary>The container health check command: 0 against a ready server, 1 when nothing answers, 2 on bad usage.</summary>
public sealed class HealthCheckCommandTests
{
    [Fact]
    public async Task Health_ReadyServer_Zero_NoServer_One_BadUsage_Two()
    {
        await using (var server = await TestServer.StartAsync(TestRepositories.WriteSimple))
        {
            Assert.Equal(0, await HealthCheckCommand.RunAsync(["--url", $"http://127.0.0.1:{server.HttpPort}/v2/health/ready"]).WithTimeout());
        }

        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var closedPort = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        Assert.Equal(1, await HealthCheckCommand.RunAsync(["--url", $"http://127.0.0.1:{closedPort}/v2/health/ready"]).WithTimeout());
        Assert.Equal(2, await HealthCheckCommand.RunAsync(["--url"]).WithTimeout());
    }
}
