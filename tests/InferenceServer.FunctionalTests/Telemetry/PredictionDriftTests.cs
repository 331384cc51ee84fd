using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using InferenceServer.FunctionalTests.Infrastructure;
using InferenceServer.ModelBuilder.Repository;
using InferenceServer.ModelBuilder.Samples;
using OnnxType = InferenceServer.ModelBuilder.Onnx.TensorProto.Types.DataType;

namespace InferenceServer.FunctionalTests.Telemetry;

/// <summary>
/// Prediction drift, canary against primary: two versions of a classifier (an identity model whose FP32 [batch, 3]
/// output is read as class scores) serve different traffic, and <c>GET /v2/models/{m}/drift</c> shows each version's
/// predicted-class shares and output quantiles side by side, exactly as counted. With a canary in traffic.json, the
/// canary's outputs are also scored against the primary's (<c>versus_primary</c>): calm while both answer alike,
/// drift on exactly the output columns where the canary's answers moved; the primary has no such section.
/// </summary>
public sealed class PredictionDriftTests
{
    private const string Model = "classifier";
    private const int Rows = 4;

    // Every row scores its winning class 0.8 and the others 0.1.
    private static string Body(int winner) =>
        $$"""{"inputs":[{"name":"INPUT0","shape":[{{Rows}},3],"datatype":"FP32","data":[{{string.Join(',', Enumerable.Range(0, Rows * 3).Select(i => (i % 3 == winner ? 0.8 : 0.1).ToString(CultureInfo.InvariantCulture)))}}]}]}""";

    [Fact]
    public async Task TwoVersions_DifferentPredictions_ClassSharesAndQuantilesSideBySide()
    {
        await using var server = await TestServer.StartAsync(root =>
        {
            var onnx = SampleModels.Identity(OnnxType.Float, -1, 3);
            SampleRepositoryWriter.WriteModel(root, Model, onnx, $"name: \"{Model}\"\nmax_batch_size: 8\nversion_policy: {{ all: {{}} }}\n");
            SampleRepositoryWriter.WriteModel(root, Model, onnx, config: null, version: 2);
        });

        async Task SendAsync(int version, int winner, int requests)
        {
            for (var i = 0; i < requests; i++)
            {
                using var response = await server.Http.PostAsync($"v2/models/{Model}/versions/{version}/infer", HttpInfer.Json(Body(winner))).WithTimeout();
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        }

        await SendAsync(version: 1, winner: 0, requests: 30);
        await SendAsync(version: 2, winner: 0, requests: 10);
        await SendAsync(version: 2, winner: 2, requests: 30);
        await server.AfterStepsSettledAsync();

        using var drift = await server.Http.GetAsync($"v2/models/{Model}/drift").WithTimeout();
        var versions = JsonNode.Parse(await drift.Content.ReadAsStringAsync().WithTimeout())!["model_drift"]!.AsArray()
            .ToDictionary(v => v!["version"]!.GetValue<string>(), v => v!["tensors"]!.AsArray().Single(t => t!["name"]!.GetValue<string>() == "OUTPUT0")!);
        Assert.Equal(["1", "2"], versions.Keys.Order());
        Assert.Equal([1.0, 0, 0], Shares(versions["1"], "lifetime"));
        Assert.Equal([0.25, 0, 0.75], Shares(versions["2"], "lifetime"));
        Assert.Equal(3, versions["1"]["features"]!.AsArray().Count);
        var primaryColumn0 = versions["1"]["features"]![0]!["quantiles"]!["lifetime"]!;
        Assert.Equal(0.8, primaryColumn0["p50"]!.GetValue<double>(), 6);
        var canaryColumn2 = versions["2"]["features"]![2]!["quantiles"]!["lifetime"]!;
        Assert.Equal(0.8, canaryColumn2["p50"]!.GetValue<double>(), 6);
        Assert.Equal(0.1, canaryColumn2["p10"]!.GetValue<double>(), 6);

        // Inputs are not class scores: no shares.
        using var one = await server.Http.GetAsync($"v2/models/{Model}/versions/1/drift").WithTimeout();
        var input = JsonNode.Parse(await one.Content.ReadAsStringAsync().WithTimeout())!["model_drift"]![0]!["tensors"]!.AsArray().Single(t => t!["name"]!.GetValue<string>() == "INPUT0")!;
        Assert.Null(input["class_shares"]);
    }

    [Fact]
    public async Task Canary_VersusPrimary_CalmWhileAlike_DriftsOnTheColumnsThatMoved()
    {
        await using var server = await TestServer.StartAsync(root =>
        {
            var onnx = SampleModels.Identity(OnnxType.Float, -1, 3);
            SampleRepositoryWriter.WriteModel(root, Model, onnx, $"name: \"{Model}\"\nmax_batch_size: 8\nversion_policy: {{ all: {{}} }}\n");
            SampleRepositoryWriter.WriteModel(root, Model, onnx, config: null, version: 2);
            File.WriteAllText(Path.Combine(root, Model, "traffic.json"), """{"weights": {"1": 90, "2": 10}}""");
        });
        var random = new Random(9);

        // Scores around (0.6, 0.3, 0.1) with noise; the moved canary scores class 2 around 0.5 instead.
        async Task SendAsync(int version, int requests, double class2)
        {
            for (var i = 0; i < requests; i++)
            {
                var data = string.Join(',', Enumerable.Range(0, Rows).SelectMany(_ => new[] { 0.6, 0.3, class2 })
                    .Select(mean => (mean + ((random.NextDouble() - 0.5) * 0.1)).ToString("R", CultureInfo.InvariantCulture)));
                var body = $$"""{"inputs":[{"name":"INPUT0","shape":[{{Rows}},3],"datatype":"FP32","data":[{{data}}]}]}""";
                using var response = await server.Http.PostAsync($"v2/models/{Model}/versions/{version}/infer", HttpInfer.Json(body)).WithTimeout();
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            await server.AfterStepsSettledAsync();
        }

        async Task<Dictionary<string, JsonNode>> DriftAsync()
        {
            using var drift = await server.Http.GetAsync($"v2/models/{Model}/drift").WithTimeout();
            return JsonNode.Parse(await drift.Content.ReadAsStringAsync().WithTimeout())!["model_drift"]!.AsArray()
                .ToDictionary(v => v!["version"]!.GetValue<string>(), v => v!);
        }

        string[] Levels(JsonNode version, string window) =>
            [.. version["versus_primary"]!["tensors"]!.AsArray().Single(t => t!["name"]!.GetValue<string>() == "OUTPUT0")!["features"]!.AsArray()
                .Select(f => f![window]!["level"]!.GetValue<string>())];

        await SendAsync(version: 1, requests: 150, class2: 0.1);
        await SendAsync(version: 2, requests: 50, class2: 0.1);
        var calm = await DriftAsync();
        Assert.Null(calm["1"]["versus_primary"]);
        Assert.Equal("1", calm["2"]["versus_primary"]!["version"]!.GetValue<string>());
        Assert.Equal(["none", "none", "none"], Levels(calm["2"], "window"));
        // Inputs are not prediction drift.
        Assert.DoesNotContain(calm["2"]["versus_primary"]!["tensors"]!.AsArray(), t => t!["kind"]!.GetValue<string>() == "input");

        await SendAsync(version: 2, requests: 100, class2: 0.5);
        var moved = await DriftAsync();
        Assert.Equal(["none", "none", "drift"], Levels(moved["2"], "window"));
        var column2 = moved["2"]["versus_primary"]!["tensors"]![0]!["features"]![2]!["window"]!;
        Assert.True(column2["wasserstein"]!.GetValue<double>() >= 0.2);
        Assert.True(column2["ks_p_value"]!.GetValue<double>() < 0.001);
    }

    private static double[] Shares(JsonNode tensor, string window) =>
        [.. tensor["class_shares"]![window]!.AsArray().Select(v => v!.GetValue<double>())];
}
