using System.Net;
using System.Text.Json.Nodes;
using Grpc.Core;
using Grpc.Net.Client;
using InferenceServer.FunctionalTests.Infrastructure;

namespace InferenceServer.FunctionalTests.Aot;

/// <summary>
/// The shipped artifact: the native-AOT executable, started on the checked-in sample repository, answers
/// both protocols (trimming and AOT break reflection-based code paths that the in-process tests never see,
/// so this runs the paths most likely to differ: JSON writing and reading, protobuf, errors) and stops
/// cleanly on SIGTERM.
/// </summary>
public sealed class AotBinarySmokeTests
{
    [Fact]
    public async Task PublishedBinary_ServesSampleRepositoryOverHttpAndGrpc_AndStopsOnSigterm()
    {
        var executable = await AotBinary.Server.GetAsync();
        var repository = Path.Combine(RepositoryRoot.Find(), "model-repository");
        await using var server = await ServerProcess.StartAsync(executable, repository);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.HttpPort}/"), Timeout = TestTimeouts.Request };
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{server.GrpcPort}");
        var grpc = new InferenceGrpcClient(channel);

        using (var ready = await http.GetAsync("v2/health/ready").WithTimeout())
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        using var indexResponse = await http.PostAsync("v2/repository/index", content: null).WithTimeout();
        var index = JsonNode.Parse(await indexResponse.Content.ReadAsStringAsync().WithTimeout())!.AsArray();
        Assert.Equal(
            ["fraud_detector", "simple", "simple_identity", "simple_string"],
            index.Where(m => m!["state"]!.GetValue<string>() == "READY").Select(m => m!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal));

        using (var response = await HttpInfer.PostAsync(http, "simple", SimpleRequests.Json(batch: 1)))
        {
            var result = await HttpInfer.ReadAsync(response);
            Assert.Equal(HttpStatusCode.OK, result.Status);
            Assert.Equal(SimpleRequests.Sum(SimpleRequests.Input0(1), SimpleRequests.Input1(1)), result.Int32Data("OUTPUT0"));
            Assert.Equal(SimpleRequests.Difference(SimpleRequests.Input0(1), SimpleRequests.Input1(1)), result.Int32Data("OUTPUT1"));
        }

        var config = JsonNode.Parse(await http.GetStringAsync("v2/models/simple/config").WithTimeout())!;
        Assert.Equal("simple", config["name"]!.GetValue<string>());
        Assert.Equal(8, config["max_batch_size"]!.GetValue<int>());

        using (var bad = await HttpInfer.PostAsync(http, "simple", HttpInfer.Json("{\"inputs\": [")))
        {
            var message = await HttpInfer.AssertErrorAsync(bad, HttpStatusCode.BadRequest);
            Assert.Contains("JSON", message, StringComparison.OrdinalIgnoreCase);
        }

        Assert.True((await grpc.ServerReadyAsync()).Ready);
        var inferred = await grpc.ModelInferAsync(SimpleRequests.Grpc(batch: 3));
        Assert.Equal(SimpleRequests.Sum(SimpleRequests.Input0(3), SimpleRequests.Input1(3)), SimpleRequests.Int32s(inferred.RawOutputContents[0]));
        var stringMetadata = await grpc.ModelMetadataAsync("simple_string");
        Assert.Equal("BYTES", stringMetadata.Inputs[0].Datatype);

        var unknown = await Assert.ThrowsAsync<RpcException>(() => grpc.ModelInferAsync(SimpleRequests.Grpc(batch: 1, model: "no_such_model")));
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("no_such_model", unknown.Status.Detail, StringComparison.Ordinal);

        var exitCode = await server.StopAsync();
        Assert.True(exitCode == 0, $"exit code {exitCode}; output:\n{server.Output}");
    }
}
