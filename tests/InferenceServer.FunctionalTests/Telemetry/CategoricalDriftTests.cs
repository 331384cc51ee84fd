using System.Net;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Inference;
using InferenceServer.Cli;
using InferenceServer.Core.Telemetry.Profiles;
using InferenceServer.Core.Telemetry.Sketches;
using InferenceServer.FunctionalTests.Infrastructure;
using InferenceServer.ModelBuilder.Repository;
using InferenceServer.ModelBuilder.Samples;
using OnnxType = InferenceServer.ModelBuilder.Onnx.TensorProto.Types.DataType;

namespace InferenceServer.FunctionalTests.Telemetry;

/// <summary>
/// Categorical drift through the real server, on identity models with a two-column input: BYTES over HTTP JSON and
/// INT32 over gRPC. Invariants: the reference freezes from the first requests; a BYTES column, and an integer column
/// with few distinct values, are judged by category shares (χ² p-value, Jensen–Shannon, unseen share) while an integer
/// column with many values stays numeric; an unchanged stream scores no drift; a shift of one column's category
/// shares drifts that column (and the identity output's copy of it) and no other; a new category shows as unseen.
/// </summary>
public sealed class CategoricalDriftTests
{
    private const int Rows = 8;
    private const int ReferenceRequests = 100;
    private static readonly string Parameters = $"parameters {{ key: \"drift_reference_requests\" value {{ string_value: \"{ReferenceRequests}\" }} }}\n";

    private static readonly (string Value, double Share)[] Cards = [("visa", 0.5), ("mc", 0.3), ("amex", 0.2)];
    private static readonly (string Value, double Share)[] ShiftedCards = [("visa", 0.05), ("mc", 0.15), ("amex", 0.6), ("jcb", 0.2)];
    private static readonly (string Value, double Share)[] Channels = [("web", 0.5), ("app", 0.5)];
    private static readonly (int Value, double Share)[] Codes = [(1, 0.5), (2, 0.3), (3, 0.2)];
    private static readonly (int Value, double Share)[] ShiftedCodes = [(1, 0.05), (2, 0.15), (3, 0.8)];

    private static T Draw<T>(Random random, (T Value, double Share)[] categories)
    {
        var u = random.NextDouble();
        foreach (var (value, share) in categories)
        {
            if ((u -= share) < 0)
            {
                return value;
            }
        }

        return categories[^1].Value;
    }

    [Fact]
    public async Task BytesInput_OverHttp_UnchangedStreamCalm_ShiftedSharesAndNewCategoryDrift()
    {
        const string model = "payments";
        await using var server = await TestServer.StartAsync(root =>
            SampleRepositoryWriter.WriteModel(root, model, SampleModels.Identity(OnnxType.String, -1, 2), $"name: \"{model}\"\nmax_batch_size: 8\n{Parameters}"));
        var random = new Random(3);

        async Task SendAsync(int requests, (string, double)[] cards)
        {
            for (var i = 0; i < requests; i++)
            {
                var data = new JsonArray([.. Enumerable.Range(0, Rows).SelectMany(_ => new JsonNode[] { Draw(random, cards), Draw(random, Channels) })]);
                var body = new JsonObject { ["inputs"] = new JsonArray(HttpInfer.Input("INPUT0", "BYTES", [Rows, 2], data)) };
                using var response = await HttpInfer.PostAsync(server.Http, model, HttpInfer.Json(body));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            await server.AfterStepsSettledAsync();
        }

        await SendAsync(2 * ReferenceRequests, Cards);
        var calm = await FeaturesAsync(server, model);
        Assert.All(calm, f => Assert.True(f.Value["categorical"]!.GetValue<bool>(), f.Key));
        Assert.All(calm, f => Assert.Equal("none", f.Value["window"]!["level"]!.GetValue<string>()));
        Assert.All(calm, f => Assert.True(f.Value["window"]!["chi_square_p_value"]!.GetValue<double>() >= 0.001, f.Key));
        Assert.Equal(0, calm["input/0"]["window"]!["unseen_share"]!.GetValue<double>());
        Assert.Null(calm["input/0"]["window"]!["wasserstein"]);

        await SendAsync(3 * ReferenceRequests, ShiftedCards);
        var shifted = await FeaturesAsync(server, model);
        foreach (var card in new[] { "input/0", "output/0" })
        {
            Assert.Equal("drift", shifted[card]["window"]!["level"]!.GetValue<string>());
            Assert.True(shifted[card]["window"]!["js_distance"]!.GetValue<double>() >= 0.2);
            Assert.True(shifted[card]["window"]!["chi_square_p_value"]!.GetValue<double>() < 1e-6);
            // 3 of 5 requests since the reference draw "jcb" one time in five.
            Assert.InRange(shifted[card]["window"]!["unseen_share"]!.GetValue<double>(), 0.08, 0.16);
            var jcb = shifted[card]["categories"]!.AsArray().Single(c => c!["value"]!.GetValue<string>() == "jcb")!;
            Assert.Equal(0, jcb["reference"]!.GetValue<double>());
        }

        Assert.Equal("none", shifted["input/1"]["window"]!["level"]!.GetValue<string>());
        Assert.Equal("none", shifted["output/1"]["window"]!["level"]!.GetValue<string>());
    }

    [Fact]
    public async Task IntegerInput_OverGrpc_FewValuesCategorical_ManyValuesNumeric_ShiftedSharesDrift()
    {
        const string model = "codes";
        await using var server = await TestServer.StartAsync(root =>
            SampleRepositoryWriter.WriteModel(root, model, SampleModels.Identity(OnnxType.Int32, -1, 2), $"name: \"{model}\"\nmax_batch_size: 8\n{Parameters}"));
        var random = new Random(5);

        async Task SendAsync(int requests, (int, double)[] codes)
        {
            for (var i = 0; i < requests; i++)
            {
                // Column 0 a code with three values; column 1 an amount with hundreds of values.
                var values = Enumerable.Range(0, Rows).SelectMany(_ => new[] { Draw(random, codes), random.Next(0, 500) }).ToArray();
                var request = new ModelInferRequest { ModelName = model };
                request.Inputs.Add(SimpleRequests.GrpcInput("INPUT0", "INT32", [Rows, 2]));
                request.RawInputContents.Add(ByteString.CopyFrom(TensorCase.Pack(values)));
                await server.Grpc.ModelInferAsync(request).WithTimeout();
            }

            await server.AfterStepsSettledAsync();
        }

        await SendAsync(2 * ReferenceRequests, Codes);
        var calm = await FeaturesAsync(server, model);
        Assert.True(calm["input/0"]["categorical"]!.GetValue<bool>());
        Assert.False(calm["input/1"]["categorical"]!.GetValue<bool>());
        Assert.True(double.IsFinite(calm["input/1"]["window"]!["wasserstein"]!.GetValue<double>()));
        Assert.Null(calm["input/1"]["window"]!["chi_square"]);
        Assert.All(calm, f => Assert.Equal("none", f.Value["window"]!["level"]!.GetValue<string>()));

        await SendAsync(3 * ReferenceRequests, ShiftedCodes);
        var shifted = await FeaturesAsync(server, model);
        Assert.Equal("drift", shifted["input/0"]["window"]!["level"]!.GetValue<string>());
        Assert.Equal("drift", shifted["output/0"]["window"]!["level"]!.GetValue<string>());
        Assert.Equal(0, shifted["input/0"]["window"]!["unseen_share"]!.GetValue<double>());
        Assert.Equal("none", shifted["input/1"]["window"]!["level"]!.GetValue<string>());

        using var http = new HttpClient();
        var metrics = await http.GetStringAsync($"http://127.0.0.1:{server.MetricsPort}/metrics").WithTimeout();
        Assert.Contains($$"""inference_server_drift_chi_square_p_value{model="{{model}}",version="1",kind="input",tensor="INPUT0",feature="0",window="window"}""", metrics, StringComparison.Ordinal);
        Assert.Contains($$"""inference_server_drift_level{model="{{model}}",version="1",kind="input",tensor="INPUT0",feature="0",window="window"} 2""", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public void JsonlReference_BytesAndIntegerInputs_CarryTheirCategoryCounts()
    {
        var samples = Path.GetTempFileName();
        var output = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(samples,
            [
                """{"inputs":[{"name":"CARD","shape":[2,1],"datatype":"BYTES","data":["visa","amex"]},{"name":"CODE","shape":[2,1],"datatype":"INT32","data":[3,3]}]}""",
                """{"inputs":[{"name":"CARD","shape":[2,1],"datatype":"BYTES","data":["visa",""]},{"name":"CODE","shape":[2,1],"datatype":"INT32","data":[4,3]}]}""",
            ]);

            Assert.Equal(0, DriftReferenceCommand.Run(["--input", samples, "--output", output]));

            var reference = ReferenceProfileFile.Load(output);
            var card = reference.Find("input", "CARD", 0)!;
            Assert.True(card.Categories!.IsText);
            Assert.Equal(3, card.Categories.Total);
            Assert.Equal(2, card.Categories.Count(FrequentItems.TextKey("visa"u8)));
            Assert.Equal("amex", card.Categories.Label(FrequentItems.TextKey("amex"u8)));
            Assert.Equal(0.25, card.InvalidShare, 12);
            var code = reference.Find("input", "CODE", 0)!;
            Assert.Equal([3L, 1L], [code.Categories!.Count(3), code.Categories.Count(4)]);
            Assert.Equal(4, code.Sketch.Count);
        }
        finally
        {
            File.Delete(samples);
            File.Delete(output);
        }
    }

    // Features by "kind/index".
    private static async Task<Dictionary<string, JsonObject>> FeaturesAsync(TestServer server, string model)
    {
        using var response = await server.Http.GetAsync($"v2/models/{model}/versions/1/drift").WithTimeout();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = Assert.Single(JsonNode.Parse(await response.Content.ReadAsStringAsync().WithTimeout())!["model_drift"]!.AsArray())!;
        Assert.Equal("first_requests", report["reference"]!["source"]!.GetValue<string>());
        return report["tensors"]!.AsArray()
            .SelectMany(t => t!["features"]!.AsArray().Select(f => (Key: $"{t["kind"]!.GetValue<string>()}/{f!["index"]!.GetValue<int>()}", Feature: f.AsObject())))
            .ToDictionary(p => p.Key, p => p.Feature);
    }
}
