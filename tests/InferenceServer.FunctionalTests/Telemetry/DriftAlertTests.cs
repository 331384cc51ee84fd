using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using InferenceServer.FunctionalTests.Deployment;
using InferenceServer.FunctionalTests.Infrastructure;
using InferenceServer.ModelBuilder.Repository;
using InferenceServer.ModelBuilder.Samples;
using OnnxType = InferenceServer.ModelBuilder.Onnx.TensorProto.Types.DataType;

namespace InferenceServer.FunctionalTests.Telemetry;

/// <summary>
/// An upstream bug turns one column to NaN, end to end: clients send the NaN tokens Python's json writes, the
/// server profiles them, <c>GET …/drift</c> scores the column's missing values at drift level under its configured
/// name while the untouched columns stay calm, and a real Prometheus scraping the server with the shipped rules
/// raises <c>InferenceServerMissingValues</c> for that column and no other.
/// </summary>
public sealed class DriftAlertTests
{
    private const int Rows = 8;
    private const int Columns = 3;
    private const int ReferenceRequests = 50;
    private const string Model = "scorer";

    private static string Body(Random random, bool incomeIsNaN)
    {
        var values = new List<string>(Rows * Columns);
        for (var i = 0; i < Rows * Columns; i++)
        {
            var value = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            values.Add(incomeIsNaN && i % Columns == 1 ? "NaN" : value.ToString("R", CultureInfo.InvariantCulture));
        }

        return $$"""{"inputs":[{"name":"INPUT0","shape":[{{Rows}},{{Columns}}],"datatype":"FP32","data":[{{string.Join(',', values)}}]}]}""";
    }

    private static async Task SendAsync(TestServer server, Random random, int count, bool incomeIsNaN)
    {
        for (var i = 0; i < count; i++)
        {
            using var response = await HttpInfer.PostAsync(server.Http, Model, HttpInfer.Json(Body(random, incomeIsNaN)));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await server.AfterStepsSettledAsync();
    }

    [Fact]
    public async Task NaNColumn_DriftsOnMissingValues_AndFiresTheMissingValueAlertInPrometheus()
    {
        await using var server = await TestServer.StartAsync(root => SampleRepositoryWriter.WriteModel(root, Model, SampleModels.Identity(OnnxType.Float, -1, Columns),
            $$"""
            name: "{{Model}}"
            max_batch_size: {{Rows}}
            parameters { key: "drift_reference_requests" value { string_value: "{{ReferenceRequests}}" } }
            parameters { key: "drift_feature_names.INPUT0" value { string_value: "age, income, score" } }
            """));
        var random = new Random(3);
        await SendAsync(server, random, ReferenceRequests, incomeIsNaN: false);
        await SendAsync(server, random, ReferenceRequests, incomeIsNaN: true);

        using var drift = await server.Http.GetAsync($"v2/models/{Model}/versions/1/drift").WithTimeout();
        var report = JsonNode.Parse(await drift.Content.ReadAsStringAsync().WithTimeout())!["model_drift"]![0]!;
        var input = report["tensors"]!.AsArray().Single(t => t!["name"]!.GetValue<string>() == "INPUT0")!;
        var features = input["features"]!.AsArray().ToDictionary(f => f!["name"]!.GetValue<string>(), f => f!["window"]!);
        Assert.Equal(["age", "income", "score"], features.Keys.Order());
        Assert.Equal(0.5, features["income"]["invalid_share"]!.GetValue<double>(), 6);
        Assert.Equal(0.5, features["income"]["invalid_share_increase"]!.GetValue<double>(), 6);
        Assert.Equal("drift", features["income"]["level"]!.GetValue<string>());
        Assert.Equal("none", features["age"]["level"]!.GetValue<string>());
        Assert.Equal("none", features["score"]["level"]!.GetValue<string>());

        var rules = Path.Combine(DeployFiles.Root, AlertRulesTests.RulesFile);
        await using var prometheus = await PrometheusServer.StartAsync(server.MetricsPort, rules);
        var share = await prometheus.WaitForAsync(
            $$"""inference_server_drift_invalid_share{model="{{Model}}",kind="input",feature="income",window="window"}""", s => s.Count == 1);
        Assert.Equal(0.5, share.Single().Value, 6);

        // The rule's "for: 5m" keeps it pending here: pending is the rule's expression holding on the scraped series.
        var alerts = await prometheus.WaitForAsync("""ALERTS{alertname="InferenceServerMissingValues"}""", s => s.Any(a => a.Labels["kind"] == "input"));
        var inputAlert = Assert.Single(alerts, a => a.Labels["kind"] == "input");
        Assert.Equal("income", inputAlert.Labels["feature"]);
        Assert.Equal("pending", inputAlert.Labels["alertstate"]);
        Assert.Equal("critical", inputAlert.Labels["severity"]);
        // The identity model copies the NaN column to its output, whose column 1 (unnamed) alerts too.
        Assert.All(alerts, a => Assert.Contains(a.Labels["feature"], new[] { "income", "1" }));
    }
}
