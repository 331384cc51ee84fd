using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using InferenceServer.FunctionalTests.Infrastructure;
using InferenceServer.Hosting;
using InferenceServer.LoadTool;

namespace InferenceServer.FunctionalTests.Perf;

/// <summary>
/// Server-side request capture (<c>--capture-model</c>) and <c>inference-load --replay</c>, end to end on real
/// servers. Invariants: every answered, well-formed request of the captured model is in the file once, whatever
/// protocol carried it, with its inputs' names, datatypes, shapes and bytes; a replay to a second server makes that
/// server receive exactly those inputs (its own capture holds the same records, byte for byte); the file never
/// exceeds its byte budget; a hashed input keeps its shape and size but only the SHA-256 of its bytes.
/// </summary>
public class CaptureReplayTests
{
    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task Capture_OfHttpAndGrpcTraffic_ReplayedToASecondServer_ArrivesByteForByte(string replayProtocol)
    {
        using var folder = new TempFolder();
        var first = Path.Combine(folder.Path, "first.jsonl");
        var second = Path.Combine(folder.Path, "second.jsonl");
        await using (var server = await TestServer.StartAsync(TestRepositories.WriteSimple, o => Capture(o, first)))
        {
            await SendTrafficAsync(server);
            await server.AfterStepsSettledAsync();
        }

        var captured = Records(first);
        Assert.Equal(12, captured.Count);
        Assert.Equal(12, captured.Select(r => r["inputs"]!.ToJsonString()).Distinct().Count());
        Assert.All(captured, r => Assert.Equal(2, r["inputs"]!.AsArray().Count));

        await using (var server = await TestServer.StartAsync(TestRepositories.WriteSimple, o => Capture(o, second)))
        {
            using var output = new StringWriter();
            using var progress = new StringWriter();
            var port = replayProtocol == "grpc" ? server.GrpcPort : server.HttpPort;

            var exit = await LoadToolCommand.RunAsync(
                ["--replay", first, "--replay-speed", "20", "-i", replayProtocol, "-u", $"127.0.0.1:{port}", "--threshold", "errors < 1"],
                output, progress, CancellationToken.None).WaitAsync(TestTimeouts.Load);

            Assert.True(exit == LoadToolCommand.Ok, progress.ToString() + output);
            Assert.Contains("replay x20 of 12 requests", output.ToString(), StringComparison.Ordinal);
            await server.AfterStepsSettledAsync();
        }

        var replayed = Records(second);
        Assert.Equal(Canonical(captured), Canonical(replayed));
    }

    [Fact]
    public async Task Capture_ByteBudget_TheFileNeverExceedsIt()
    {
        using var folder = new TempFolder();
        var file = Path.Combine(folder.Path, "small.jsonl");
        await using (var server = await TestServer.StartAsync(TestRepositories.WriteSimple, o =>
        {
            Capture(o, file);
            o.CaptureBytes = 2048;
        }))
        {
            await SendTrafficAsync(server);
            await server.AfterStepsSettledAsync();
        }

        Assert.InRange(new FileInfo(file).Length, 1, 2048);
        Assert.InRange(Records(file).Count, 1, 11);
    }

    [Fact]
    public async Task Capture_HashedInput_KeepsShapeAndSizeButOnlyTheDigest()
    {
        using var folder = new TempFolder();
        var file = Path.Combine(folder.Path, "hashed.jsonl");
        await using (var server = await TestServer.StartAsync(TestRepositories.WriteSimple, o =>
        {
            Capture(o, file);
            o.CaptureHashInputs = ["INPUT1"];
        }))
        {
            using var response = await HttpInfer.PostAsync(server.Http, "simple", SimpleRequests.Json(batch: 1, seed: 7)).WithTimeout();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await server.AfterStepsSettledAsync();
        }

        var input1 = Assert.Single(Records(file))["inputs"]!.AsArray().Single(i => i!["name"]!.GetValue<string>() == "INPUT1")!;
        var bytes = SimpleRequests.Input1(batch: 1, seed: 7).SelectMany(BitConverter.GetBytes).ToArray();
        Assert.Null(input1["data"]);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), input1["sha256"]!.GetValue<string>());
        Assert.Equal(bytes.Length, input1["byte_size"]!.GetValue<long>());
        Assert.Equal("[1,16]", input1["shape"]!.ToJsonString());
    }

    private static void Capture(ServerOptions options, string file)
    {
        options.CaptureModel = "simple";
        options.CaptureFile = file;
    }

    /// <summary>Six requests over HTTP (JSON tensors), six over gRPC (raw contents, batch 2), all different, and one malformed one that is not captured.</summary>
    private static async Task SendTrafficAsync(TestServer server)
    {
        for (var i = 0; i < 6; i++)
        {
            using var response = await HttpInfer.PostAsync(server.Http, "simple", SimpleRequests.Json(batch: 1, seed: i)).WithTimeout();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            _ = await server.Grpc.ModelInferAsync(SimpleRequests.Grpc(batch: 2, seed: 100 + i)).WithTimeout();
        }

        using var malformed = await HttpInfer.PostAsync(server.Http, "simple", HttpInfer.Json("""{"inputs": [{"name": "INPUT0", "datatype": "INT32", "shape": [1, 3], "data": [1, 2, 3]}]}""")).WithTimeout();
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
    }

    private static List<JsonNode> Records(string file) =>
        [.. File.ReadAllLines(file).Skip(1).Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!)];

    /// <summary>Each request's inputs as JSON (names, datatypes, shapes, base64 bytes), sorted: the replay may reorder requests that overlap.</summary>
    private static List<string> Canonical(List<JsonNode> records) =>
        [.. records.Select(r => r["inputs"]!.ToJsonString()).Order(StringComparer.Ordinal)];
}
