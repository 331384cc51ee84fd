using System.Text.Json.Nodes;
using InferenceServer.FunctionalTests.Infrastructure;
using InferenceServer.LoadTool;
using InferenceServer.LoadTool.Options;
using InferenceServer.LoadTool.Reporting;

namespace InferenceServer.FunctionalTests.Perf;

/// <summary>
/// The load tool against the real server, in process, for a couple of seconds per case. Invariant: the
/// tool is the only client, and it reads the statistics with nothing in flight, so every request it counts
/// as successful in a step is one the server's own statistics count for <c>simple</c> in that step — no
/// more, no fewer — and the test's own reading of <c>/v2/models/simple/stats</c> around the run agrees.
/// </summary>
public class LoadToolTests
{
    public static TheoryData<Protocol, TensorEncoding> Protocols => new()
    {
        { Protocol.Http, TensorEncoding.Binary },
        { Protocol.Http, TensorEncoding.Json },
        { Protocol.Grpc, TensorEncoding.Binary },
    };

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task ClosedLoop_ConcurrencyTwoForTwoSeconds_CountsExactlyWhatTheServerCounted(Protocol protocol, TensorEncoding encoding)
    {
        await using var server = await TestServer.StartAsync(TestRepositories.WriteSimple);

        var (report, serverSuccesses) = await RunCountingAsync(server, new LoadOptions
        {
            Model = "simple",
            Protocol = protocol,
            Encoding = encoding,
            Url = $"127.0.0.1:{(protocol == Protocol.Grpc ? server.GrpcPort : server.HttpPort)}",
            ConcurrencyRange = new LoadRange(2, 2, 1),
            Duration = TimeSpan.FromSeconds(2),
            MeasurementInterval = TimeSpan.FromSeconds(1),
            RequestTimeout = TestTimeouts.Request,
        });

        var step = Assert.Single(report.Steps);
        Assert.Equal(2, step.Concurrency);
        Assert.Empty(step.StepErrors);
        Assert.True(step.StepSuccesses > 0, "the step sent requests");
        Assert.Equal(serverSuccesses, step.StepSuccesses);
        Assert.Equal(step.StepSuccesses, step.Server.SuccessCount);
        Assert.Equal(0, step.Server.FailCount);
        AssertConsistent(step);
    }

    [Fact]
    public async Task OpenLoop_TwoHundredPerSecondForOneSecond_KeepsTheRateAndCountsWhatTheServerCounted()
    {
        await using var server = await TestServer.StartAsync(TestRepositories.WriteSimple);

        var (report, serverSuccesses) = await RunCountingAsync(server, new LoadOptions
        {
            Model = "simple",
            Url = $"127.0.0.1:{server.HttpPort}",
            RequestRateRange = new LoadRange(200, 200, 1),
            Duration = TimeSpan.FromSeconds(1),
            MeasurementInterval = TimeSpan.FromSeconds(1),
            RequestTimeout = TestTimeouts.Request,
        });

        var step = Assert.Single(report.Steps);
        Assert.Equal(200, step.RequestRate);
        Assert.Empty(step.StepErrors);
        Assert.Equal(serverSuccesses, step.StepSuccesses);
        Assert.Equal(step.StepSuccesses, step.Server.SuccessCount);

        // Sends are due every 5 ms whatever the server does: about 200 in the second.
        Assert.InRange(step.StepSuccesses, 150, 250);
        Assert.NotNull(step.SendLag);
        AssertConsistent(step);
    }

    [Fact]
    public async Task Command_WritesTableCsvAndJson_AndTheJsonCountsMatchTheServer()
    {
        await using var server = await TestServer.StartAsync(TestRepositories.WriteSimple);
        var folder = Directory.CreateTempSubdirectory("load-tool-test");
        try
        {
            var csv = Path.Combine(folder.FullName, "report.csv");
            var json = Path.Combine(folder.FullName, "report.json");
            using var output = new StringWriter();
            using var progress = new StringWriter();
            var before = await SuccessCountAsync(server);

            var exit = await LoadToolCommand.RunAsync(
                ["-m", "simple", "-u", $"127.0.0.1:{server.HttpPort}", "--concurrency-range", "1:2", "--duration-secs", "1", "-p", "1000", "-f", csv, "--json-file", json],
                output,
                progress,
                CancellationToken.None).WaitAsync(TestTimeouts.Load);

            var after = await SuccessCountAsync(server);
            Assert.True(exit == LoadToolCommand.Ok, progress.ToString());
            Assert.Contains("concurrency 1", output.ToString(), StringComparison.Ordinal);
            Assert.Contains("concurrency 2", output.ToString(), StringComparison.Ordinal);
            Assert.Equal(3, File.ReadAllLines(csv).Length);
            var steps = JsonNode.Parse(await File.ReadAllTextAsync(json))!["steps"]!.AsArray();
            Assert.Equal(2, steps.Count);
            Assert.Equal(after - before, steps.Sum(s => s!["step_successes"]!.GetValue<long>()));
            Assert.All(steps, s => Assert.Equal(s!["step_successes"]!.GetValue<long>(), s["server"]!["success_count"]!.GetValue<long>()));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Command_UnknownModel_FailsWithTheServersAnswer()
    {
        await using var server = await TestServer.StartAsync(TestRepositories.WriteSimple);
        using var output = new StringWriter();
        using var progress = new StringWriter();

        var exit = await LoadToolCommand.RunAsync(["-m", "no_such_model", "-u", $"127.0.0.1:{server.HttpPort}"], output, progress, CancellationToken.None).WaitAsync(TestTimeouts.Load);

        Assert.Equal(LoadToolCommand.Failed, exit);
        Assert.Contains("no_such_model", progress.ToString(), StringComparison.Ordinal);
    }

    /// <summary>What must hold between the tool's numbers and the server's in any healthy run.</summary>
    private static void AssertConsistent(StepReport step)
    {
        // --duration-secs: every window is reported. The measured windows are the step less the requests
        // that finished after the last window closed.
        Assert.True(step.FixedDuration);
        Assert.InRange(step.MeasuredRequests, 1, step.StepSuccesses);
        Assert.True(step.RequestsPerSecond > 0);
        Assert.True(step.Latency.P50Us <= step.Latency.P90Us && step.Latency.P90Us <= step.Latency.P95Us && step.Latency.P95Us <= step.Latency.P99Us && step.Latency.P99Us <= step.Latency.MaxUs);

        // The server's time per request is part of the client's; its parts add up to it.
        Assert.InRange(step.Server.RequestUs, 1e-3, step.Latency.AvgUs);
        Assert.Equal(step.Server.RequestUs, step.Server.QueueUs + step.Server.ComputeInputUs + step.Server.ComputeInferUs + step.Server.ComputeOutputUs + step.Server.OverheadUs, 3);
    }

    /// <summary>Runs a load session; returns its report and how many successful requests the server counted for <c>simple</c> meanwhile.</summary>
    private static async Task<(LoadReport Report, long ServerSuccesses)> RunCountingAsync(TestServer server, LoadOptions options)
    {
        var before = await SuccessCountAsync(server);
        var report = await LoadSession.RunAsync(options, progress: null, CancellationToken.None).WaitAsync(TestTimeouts.Load);
        return (report, await SuccessCountAsync(server) - before);
    }

    private static async Task<long> SuccessCountAsync(TestServer server)
    {
        var stats = JsonNode.Parse(await server.Http.GetStringAsync("v2/models/simple/stats").WithTimeout())!;
        return stats["model_stats"]!.AsArray().Sum(m => m!["inference_stats"]!["success"]!["count"]!.GetValue<long>());
    }
}
