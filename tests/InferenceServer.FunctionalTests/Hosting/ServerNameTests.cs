using System.Text.Json.Nodes;
using InferenceServer.FunctionalTests.Infrastructure;

namespace InferenceServer.FunctionalTests.Hosting;

/// <summary>
/// Server metadata's identity. Invariants: <c>--server-name</c> sets the name both protocols report (default
/// "inference-server", "triton" for tools that check it); the version is the project's (the server assembly's version).
/// </summary>
public sealed class ServerNameTests
{
    [Theory]
    [InlineData(null, "inference-server")]
    [InlineData("triton", "triton")]
    public async Task ServerMetadata_NameFromFlag_SameOverHttpAndGrpc(string? flag, string expected)
    {
        await using var server = await TestServer.StartAsync(TestRepositories.WriteSimple, options =>
        {
            if (flag is not null)
            {
                options.ServerName = flag;
            }
        });
        var version = typeof(InferenceServer.Hosting.InferenceServerHost).Assembly.GetName().Version!.ToString(3);

        var http = JsonNode.Parse(await server.Http.GetStringAsync("v2").WithTimeout())!;
        var grpc = await server.Grpc.ServerMetadataAsync().WithTimeout();

        Assert.Equal(expected, http["name"]!.GetValue<string>());
        Assert.Equal(expected, grpc.Name);
        Assert.Equal("0.1.0", version);
        Assert.Equal(version, http["version"]!.GetValue<string>());
        Assert.Equal(version, grpc.Version);
        Assert.Contains("classification", grpc.Extensions);
        Assert.Contains("system_shared_memory", grpc.Extensions);
    }
}
