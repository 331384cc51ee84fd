using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using InferenceServer.Core.Models.Repository;
using InferenceServer.FunctionalTests.Infrastructure;
using InferenceServer.ModelBuilder.Repository;
using InferenceServer.ModelBuilder.Samples;

namespace InferenceServer.FunctionalTests.Traffic;

/// <summary>
/// Traffic policies through the real server (explicit mode, <c>simple</c> with several versions loaded).
/// Invariants: weighted shares hold within 5-sigma binomial bounds, before and after a change; a routing key
/// always gets the same version, and a weight change moves only about the share that changed; a request naming a
/// version bypasses the policy; shadows see mirrored traffic and report exact divergence; the rollback guard
/// takes out a canary that fails and leaves a healthy one; bad policies are refused with the field named and
/// the previous policy stays.
/// </summary>
public sealed class TrafficPolicyTests
{
    private const string Simple = "simple";
    private static readonly byte[] SimpleOnnx = SampleRepositoryWriter.CreateSamples().Single(s => s.Name == SampleModelNames.Simple).Onnx;

    /// <summary>A server in explicit mode serving <c>simple</c> version 1 and <paramref name="version2"/> as version 2.</summary>
    internal static Task<TestServer> StartAsync(byte[] version2) => TestServer.StartAsync(root =>
    {
        SampleRepositoryWriter.WriteModel(root, Simple, SimpleOnnx, "name: \"simple\"\nmax_batch_size: 8\nversion_policy: { all: {} }\n");
        SampleRepositoryWriter.WriteModel(root, Simple, version2, config: null, version: 2);
    }, options =>
    {
        options.ModelControlMode = ModelControlMode.Explicit;
        options.LoadModels = ["*"];
    });

    internal static async Task PutPolicyAsync(TestServer server, string policy, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await server.Http.PutAsync($"v2/models/{Simple}/traffic", HttpInfer.Json(policy)).WithTimeout();
        Assert.True(expected == response.StatusCode, $"PUT {policy}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    internal static async Task<JsonNode> TrafficAsync(TestServer server)
    {
        using var response = await server.Http.GetAsync($"v2/models/{Simple}/traffic").WithTimeout();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync().WithTimeout())!;
    }

    // Sends requests from 4 clients and counts which version answered (header and body must agree).
    private static async Task<ConcurrentDictionary<string, int>> SendAsync(TestServer server, int count, Func<int, string?>? key = null, ConcurrentDictionary<int, string>? byRequest = null)
    {
        var counts = new ConcurrentDictionary<string, int>();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next))
            {
                using var message = new HttpRequestMessage(HttpMethod.Post, $"v2/models/{Simple}/infer") { Content = SimpleRequests.Json(batch: 1, seed: i) };
                if (key?.Invoke(i) is { } routingKey)
                {
                    message.Headers.Add("x-routing-key", routingKey);
                }

                using var response = await server.Http.SendAsync(message);
                var result = await HttpInfer.ReadAsync(response);
                Assert.Equal(HttpStatusCode.OK, result.Status);
                var version = result.Json["model_version"]!.GetValue<string>();
                Assert.Equal(version, response.Headers.GetValues("x-model-version").Single());
                counts.AddOrUpdate(version, 1, (_, n) => n + 1);
                byRequest?.TryAdd(i, version);
            }
        }))).WaitAsync(TestTimeouts.Load);
        return counts;
    }

    private static void AssertShare(int observed, int total, double p)
    {
        var sigma = Math.Sqrt(total * p * (1 - p));
        Assert.InRange(observed, total * p - (5 * sigma), total * p + (5 * sigma));
    }

    [Fact]
    public async Task Weights_SharesHoldBeforeAndAfterAChange_ExplicitVersionBypasses()
    {
        await using var server = await StartAsync(SimpleOnnx);
        await PutPolicyAsync(server, """{"weights": {"1": 90, "2": 10}}""");

        var before = await SendAsync(server, 10_000);
        AssertShare(before.GetValueOrDefault("2"), 10_000, 0.10);

        await PutPolicyAsync(server, """{"weights": {"1": 50, "2": 50}}""");
        var after = await SendAsync(server, 4_000);
        AssertShare(after.GetValueOrDefault("2"), 4_000, 0.50);

        using var pinned = await HttpInfer.PostAsync(server.Http, $"{Simple}/versions/1", SimpleRequests.Json(batch: 1));
        Assert.Equal("1", (await HttpInfer.ReadAsync(pinned)).Json["model_version"]!.GetValue<string>());
    }

    [Fact]
    public async Task RoutingKeys_AreSticky_AndAWeightChangeMovesAboutTheChangedShare()
    {
        await using var server = await StartAsync(SimpleOnnx);
        await PutPolicyAsync(server, """{"weights": {"1": 90, "2": 10}}""");
        var first = new ConcurrentDictionary<int, string>();
        await SendAsync(server, 5_000, key: i => $"user-{i % 1000}", byRequest: first);

        foreach (var group in first.GroupBy(r => r.Key % 1000))
        {
            Assert.Single(group.Select(r => r.Value).Distinct());
        }

        await PutPolicyAsync(server, """{"weights": {"1": 80, "2": 20}}""");
        var second = new ConcurrentDictionary<int, string>();
        await SendAsync(server, 1_000, key: i => $"user-{i}", byRequest: second);

        var moved = Enumerable.Range(0, 1000).Where(k => first[k] != second[k]).ToArray();
        Assert.All(moved, k => Assert.Equal(("1", "2"), (first[k], second[k])));
        Assert.InRange(moved.Length, 50, 150);
    }

    [Fact]
    public async Task RoutingKey_HeaderBodyParameterAndGrpc_RouteAKeyAlike()
    {
        await using var server = await StartAsync(SimpleOnnx);
        await PutPolicyAsync(server, """{"weights": {"1": 50, "2": 50}}""");
        var seen = new HashSet<string>();

        for (var i = 0; i < 100; i++)
        {
            var key = $"account-{i}";
            using var byHeader = new HttpRequestMessage(HttpMethod.Post, $"v2/models/{Simple}/infer") { Content = SimpleRequests.Json(batch: 1) };
            byHeader.Headers.Add("x-routing-key", key);
            using var headerResponse = await server.Http.SendAsync(byHeader).WithTimeout();
            var header = (await HttpInfer.ReadAsync(headerResponse)).Json["model_version"]!.GetValue<string>();

            var body = SimpleRequests.JsonBody(batch: 1);
            body["parameters"] = new JsonObject { ["routing_key"] = key };
            using var parameterResponse = await HttpInfer.PostAsync(server.Http, Simple, HttpInfer.Json(body));
            var parameter = (await HttpInfer.ReadAsync(parameterResponse)).Json["model_version"]!.GetValue<string>();

            var grpcRequest = SimpleRequests.Grpc(batch: 1);
            grpcRequest.Parameters["routing_key"] = new Inference.InferParameter { StringParam = key };
            var grpc = (await server.Grpc.ModelInferAsync(grpcRequest)).ModelVersion;

            Assert.Equal((header, header), (parameter, grpc));
            seen.Add(header);
        }

        Assert.Equal(2, seen.Count);
    }

    [Fact]
    public async Task Shadow_SeesMirroredTraffic_DivergenceIsExact_CallerNeverSeesIt()
    {
        await using var server = await StartAsync(TrafficSampleModels.SimpleOffset(3));
        await PutPolicyAsync(server, """{"weights": {"1": 100}, "shadow": [{"version": "2", "percent": 100, "queue_size": 1000}]}""");

        var counts = await SendAsync(server, 200);
        Assert.Equal(200, counts["1"]);

        var shadow = server.Models.Table.Models[Simple].Traffic!.Shadows.Single();
        await server.AfterStepsSettledAsync();
        await shadow.SettledAsync().WithTimeout();
        Assert.Equal(200, shadow.Completed + shadow.Dropped + shadow.Failed);
        var report = (await TrafficAsync(server))["shadows"]![0]!;
        Assert.Equal(200, report["mirrored"]!.GetValue<long>());
        Assert.Equal(0, report["failed"]!.GetValue<long>());
        foreach (var output in report["outputs"]!.AsArray())
        {
            Assert.Equal(3.0, output!["max_abs_diff"]!.GetValue<double>());
            Assert.Equal(3.0, output["mean_abs_diff"]!.GetValue<double>());
            Assert.Equal(1.0, output["argmax_agreement"]!.GetValue<double>());
            Assert.Equal(200 * 16, output["elements"]!.GetValue<long>());
        }

        using var http = new HttpClient();
        var metrics = await http.GetStringAsync($"http://127.0.0.1:{server.MetricsPort}/metrics").WithTimeout();
        Assert.Contains("inference_server_shadow_divergence{model=\"simple\",shadow_version=\"2\",output=\"OUTPUT0\",statistic=\"max_abs_diff\"} 3", metrics, StringComparison.Ordinal);
        Assert.Contains("inference_server_shadow_requests_total{model=\"simple\",shadow_version=\"2\",outcome=\"completed\"} 200", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SlowShadow_FullQueueDropsAreCounted_CallersAllServed()
    {
        // Each shadow execution takes thousands of graph steps; one queue slot; eight callers at once.
        await using var server = await StartAsync(TrafficSampleModels.SimpleSlow(steps: 2_000));
        await PutPolicyAsync(server, """{"weights": {"1": 100}, "shadow": [{"version": "2", "percent": 100, "queue_size": 1}]}""");

        var counts = await SendAsync(server, 400);

        Assert.Equal(400, counts["1"]);
        var shadow = server.Models.Table.Models[Simple].Traffic!.Shadows.Single();

        // Shadows are offered in the pipeline's after-steps, which run after each answer went out.
        await server.AfterStepsSettledAsync();
        Assert.Equal(400, shadow.Mirrored + shadow.Dropped);
        Assert.True(shadow.Dropped > 0, "a one-slot queue in front of a slow shadow dropped nothing");
        await shadow.SettledAsync().WithTimeout();
        Assert.Equal(shadow.Mirrored, shadow.Completed + shadow.Failed);
        Assert.Equal(0, shadow.Failed);
    }

    [Fact]
    public async Task RollbackGuard_TakesOutAFailingCanary_RequestsThenGoToThePrimary()
    {
        await using var server = await StartAsync(TrafficSampleModels.SimpleFailing());
        await PutPolicyAsync(server, """{"weights": {"1": 50, "2": 50}, "rollback": {"canary": "2", "max_error_rate": 0.1, "min_requests": 40}}""");

        var failures = 0;
        for (var i = 0; i < 2_000 && (await TrafficAsync(server))["rolled_back"] is null; i++)
        {
            using var response = await HttpInfer.PostAsync(server.Http, Simple, SimpleRequests.Json(batch: 1, seed: i));
            failures += response.IsSuccessStatusCode ? 0 : 1;
        }

        var traffic = await TrafficAsync(server);
        Assert.Contains("error rate", traffic["rolled_back"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, traffic["policy"]!["weights"]!["2"]!.GetValue<int>());
        Assert.True(failures >= 40, $"only {failures} canary failures before the trip");
        var after = await SendAsync(server, 200);
        Assert.Equal(200, after["1"]);
        Assert.Contains("inference_server_canary_rolled_back{model=\"simple\"} 1", await MetricsAsync(server), StringComparison.Ordinal);
    }

    private static async Task<string> MetricsAsync(TestServer server)
    {
        using var http = new HttpClient();
        return await http.GetStringAsync($"http://127.0.0.1:{server.MetricsPort}/metrics").WithTimeout();
    }

    [Fact]
    public async Task RollbackGuard_HealthyCanary_StaysInRotation()
    {
        await using var server = await StartAsync(SimpleOnnx);
        await PutPolicyAsync(server, """{"weights": {"1": 50, "2": 50}, "rollback": {"canary": "2", "max_error_rate": 0.1, "min_requests": 40}}""");

        var counts = await SendAsync(server, 1_000);

        Assert.Null((await TrafficAsync(server))["rolled_back"]);
        AssertShare(counts["2"], 1_000, 0.5);
        Assert.Contains("inference_server_canary_rolled_back{model=\"simple\"} 0", await MetricsAsync(server), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"weights": {"1": "x"}}""", "weights")]
    [InlineData("""{"weights": {"9": 100}}""", "version 9")]
    [InlineData("""{"weigths": {}}""", "weigths")]
    [InlineData("""{"weights": """, "invalid JSON")]
    public async Task BadPolicy_Refused400NamingTheProblem_PreviousStays(string body, string expected)
    {
        await using var server = await StartAsync(SimpleOnnx);
        await PutPolicyAsync(server, """{"weights": {"1": 90, "2": 10}}""");

        using var response = await server.Http.PutAsync($"v2/models/{Simple}/traffic", HttpInfer.Json(body)).WithTimeout();

        var message = await HttpInfer.AssertErrorAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(expected, message, StringComparison.Ordinal);
        Assert.Equal(90, (await TrafficAsync(server))["policy"]!["weights"]!["1"]!.GetValue<int>());
    }
}
