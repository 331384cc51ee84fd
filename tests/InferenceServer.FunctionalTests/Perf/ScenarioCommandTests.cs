using System.Text.Json.Nodes;
using InferenceServer.FunctionalTests.Infrastructure;
using InferenceServer.LoadTool;

namespace InferenceServer.FunctionalTests.Perf;

/// <summary>
/// <c>inference-load --scenario FILE</c> and <c>--threshold</c> against the real server. Invariants: scenarios run side
/// by side and every request either counts in its step or was never sent, so the steps' successes add up to the
/// server's own count; the exit code is 0 exactly when every threshold holds, 99 when one fails (the run still
/// completes and writes its reports), 2 for a file that cannot be run; a failed threshold is named with its
/// measured value and its limit.
/// </summary>
public class ScenarioCommandTests
{
    [Fact]
    public async Task Scenario_PrimaryOverHttpAndCanaryOverGrpc_RunSideBySideAndPassTheirThresholds()
    {
        await using var server = await TestServer.StartAsync(TestRepositories.WriteSimple);
        using var folder = new TempFolder();
        var json = Path.Combine(folder.Path, "report.json");
        var scenario = WriteScenario(folder, server, """["error_rate < 0.01", "p99 < 60s"]""", """["throughput > 0.001"]""");
        var before = await SuccessCountAsync(server);

        var (exit, output, progress) = await RunAsync("--scenario", scenario, "--json-file", json);

        Assert.True(exit == LoadToolCommand.Ok, progress + output);
        var after = await SuccessCountAsync(server);
        var run = JsonNode.Parse(await File.ReadAllTextAsync(json))!;
        Assert.True(run["passed"]!.GetValue<bool>());
        var scenarios = run["scenarios"]!.AsArray();
        Assert.Equal(["primary", "canary"], scenarios.Select(s => s!["scenario"]!.GetValue<string>()));
        var steps = scenarios.SelectMany(s => s!["steps"]!.AsArray()).ToArray();
        Assert.Equal(3, steps.Length);
        Assert.Equal(after - before, steps.Sum(s => s!["step_successes"]!.GetValue<long>()));
        Assert.Equal(["http", "http", "grpc"], steps.Select(s => s!["protocol"]!.GetValue<string>()));

        // The two scenarios overlapped in time: the canary's first window starts before the primary's last one ends.
        var primaryEnd = scenarios[0]!["steps"]!.AsArray().SelectMany(s => s!["timeline"]!.AsArray()).Max(w => w!["start_seconds"]!.GetValue<double>() + w["duration_seconds"]!.GetValue<double>());
        var canaryStart = scenarios[1]!["steps"]![0]!["timeline"]![0]!["start_seconds"]!.GetValue<double>();
        Assert.True(canaryStart < primaryEnd, $"canary started at {canaryStart}s, primary ended at {primaryEnd}s");
        Assert.Contains("pass  scenario 'primary': 'error_rate < 0.01' measured 0 ratio", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scenario_ThresholdFails_ExitCode99NamesMeasuredAndLimit()
    {
        await using var server = await TestServer.StartAsync(TestRepositories.WriteSimple);
        using var folder = new TempFolder();
        var json = Path.Combine(folder.Path, "report.json");
        var scenario = WriteScenario(folder, server, """["error_rate < 0.01"]""", """["throughput > 10000000"]""");

        var (exit, output, progress) = await RunAsync("--scenario", scenario, "--json-file", json);

        Assert.True(exit == LoadToolCommand.ThresholdsFailed, progress + output);
        Assert.Matches(@"threshold failed: 'throughput > 10000000' measured [0-9.]+ req/s, limit 10000000 req/s", progress);
        Assert.Contains("FAIL  scenario 'canary' step 1: 'throughput > 10000000'", output, StringComparison.Ordinal);
        var run = JsonNode.Parse(await File.ReadAllTextAsync(json))!;
        Assert.False(run["passed"]!.GetValue<bool>());
        var failed = run["scenarios"]![1]!["steps"]![0]!["thresholds"]![0]!;
        Assert.False(failed["passed"]!.GetValue<bool>());
        Assert.Equal(10_000_000, failed["limit"]!.GetValue<double>());
        Assert.Equal(run["scenarios"]![1]!["steps"]![0]!["requests_per_second"]!.GetValue<double>(), failed["measured"]!.GetValue<double>());
    }

    [Fact]
    public async Task Flags_ThresholdOnEveryStep_FailsTheRunWithExitCode99()
    {
        await using var server = await TestServer.StartAsync(TestRepositories.WriteSimple);

        var (exit, output, progress) = await RunAsync(
            "-m", "simple", "-u", $"127.0.0.1:{server.HttpPort}", "--duration-secs", "0.5", "-p", "500",
            "--threshold", "p99 < 60s", "--threshold", "errors > 0");

        Assert.True(exit == LoadToolCommand.ThresholdsFailed, progress + output);
        Assert.Contains("pass  simple concurrency 1: 'p99 < 60s'", output, StringComparison.Ordinal);
        Assert.Contains("threshold failed: 'errors > 0' measured 0 requests, limit 0 requests", progress, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scenario_OneScenarioFails_TheOthersStopAndTheRunFailsWithItsError()
    {
        await using var server = await TestServer.StartAsync(TestRepositories.WriteSimple);
        using var folder = new TempFolder();
        var scenario = Path.Combine(folder.Path, "scenario.json");
        await File.WriteAllTextAsync(scenario, $$"""
            {"scenarios": [
              {"name": "long", "model": "simple", "url": "127.0.0.1:{{server.HttpPort}}", "steps": [{"concurrency": 1, "duration_secs": 3600}]},
              {"name": "broken", "model": "no_such_model", "url": "127.0.0.1:{{server.HttpPort}}", "steps": [{"rate": 10, "duration_secs": 1}]}
            ]}
            """);

        // Without the stop, the first scenario would run for an hour and the test would time out.
        var (exit, _, progress) = await RunAsync("--scenario", scenario);

        Assert.Equal(LoadToolCommand.Failed, exit);
        Assert.Contains("no_such_model", progress, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scenario_FileThatCannotRun_ExitCode2NamesTheLine()
    {
        using var folder = new TempFolder();
        var scenario = Path.Combine(folder.Path, "bad.json");
        await File.WriteAllTextAsync(scenario, "{\"scenarios\": [\n  {\"model\": \"simple\", \"steps\": [{\"rate\": true, \"duration_secs\": 1}]}\n]}");

        var (exit, _, progress) = await RunAsync("--scenario", scenario);

        Assert.Equal(LoadToolCommand.Usage, exit);
        Assert.Contains("error: bad.json:2: $.scenarios[0].steps[0].rate: ", progress, StringComparison.Ordinal);
    }

    private static string WriteScenario(TempFolder folder, TestServer server, string primaryThresholds, string canaryStepThresholds)
    {
        var path = Path.Combine(folder.Path, "scenario.json");
        File.WriteAllText(path, $$"""
            {
              "scenarios": [
                {
                  "name": "primary", "model": "simple", "url": "127.0.0.1:{{server.HttpPort}}", "measurement_interval_ms": 500,
                  "thresholds": {{primaryThresholds}},
                  "steps": [
                    { "concurrency": 2, "duration_secs": 1 },
                    { "ramp": { "from": 50, "to": 200 }, "duration_secs": 1 }
                  ]
                },
                {
                  "name": "canary", "model": "simple", "protocol": "grpc", "url": "127.0.0.1:{{server.GrpcPort}}", "measurement_interval_ms": 500,
                  "steps": [ { "rate": 50, "distribution": "poisson", "duration_secs": 1, "thresholds": {{canaryStepThresholds}} } ]
                }
              ]
            }
            """);
        return path;
    }

    private static async Task<(int Exit, string Output, string Progress)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var progress = new StringWriter();
        var exit = await LoadToolCommand.RunAsync(args, output, progress, CancellationToken.None).WaitAsync(TestTimeouts.Load);
        return (exit, output.ToString(), progress.ToString());
    }

    private static async Task<long> SuccessCountAsync(TestServer server)
    {
        var stats = JsonNode.Parse(await server.Http.GetStringAsync("v2/models/simple/stats").WithTimeout())!;
        return stats["model_stats"]!.AsArray().Sum(m => m!["inference_stats"]!["success"]!["count"]!.GetValue<long>());
    }
}
