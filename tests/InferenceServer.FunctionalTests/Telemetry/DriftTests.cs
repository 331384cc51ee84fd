using System.Net;
using System.Text.Json.Nodes;
using InferenceServer.Cli;
using InferenceServer.FunctionalTests.Infrastructure;
using InferenceServer.ModelBuilder.Repository;
using InferenceServer.ModelBuilder.Samples;
using OnnxType = InferenceServer.ModelBuilder.Onnx.TensorProto.Types.DataType;

namespace InferenceServer.FunctionalTests.Telemetry;

/// <summary>
/// Input/output profiles, drift and latency sketches through the real server on Triton's <c>simple</c> model
/// (INPUT0, INPUT1: INT32 [batch, 16] → 16 features each). Invariants: the reference freezes after the
/// configured number of requests, or comes from the file the CLI builds; traffic from the reference's
/// distribution scores no drift, traffic shifted by two standard deviations scores drift on exactly the shifted
/// features and the outputs computed from them; the statistics carry latency quantiles counted over every success; the gauges export the scores.
/// </summary>
public sealed class DriftTests
{
    private const int Rows = 8;
    private const double Spread = 100;
    private static readonly byte[] SimpleOnnx = SampleRepositoryWriter.CreateSamples().Single(s => s.Name == SampleModelNames.Simple).Onnx;

    private static Task<TestServer> StartAsync(string parameters = "") => TestServer.StartAsync(root =>
        SampleRepositoryWriter.WriteModel(root, "simple", SimpleOnnx, $"name: \"simple\"\nmax_batch_size: 8\n{parameters}"));

    private static JsonObject Request(Random random, double shift0)
    {
        int[] Column(double shift) => Enumerable.Range(0, Rows * SimpleRequests.Width).Select(_ => (int)Math.Round(Normal(random) * Spread + shift)).ToArray();
        return new JsonObject
        {
            ["inputs"] = new JsonArray(
                HttpInfer.Input("INPUT0", "INT32", SimpleRequests.Shape(Rows), HttpInfer.Numbers(Column(shift0))),
                HttpInfer.Input("INPUT1", "INT32", SimpleRequests.Shape(Rows), HttpInfer.Numbers(Column(0)))),
        };
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static async Task SendAsync(TestServer server, Random random, int count, double shift0)
    {
        for (var i = 0; i < count; i++)
        {
            using var response = await HttpInfer.PostAsync(server.Http, "simple", HttpInfer.Json(Request(random, shift0)));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // Inputs are profiled in the pipeline's after-steps, which run after each answer went out.
        await server.AfterStepsSettledAsync();
    }

    private static async Task<JsonObject> DriftAsync(TestServer server)
    {
        using var response = await server.Http.GetAsync("v2/models/simple/versions/1/drift").WithTimeout();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync().WithTimeout())!;
        return Assert.Single(body["model_drift"]!.AsArray())!.AsObject();
    }

    private static (string Tensor, double Psi, string Level)[] Scores(JsonObject report, string window) =>
        report["tensors"]!.AsArray().SelectMany(t => t!["features"]!.AsArray().Select(f =>
            (t["name"]!.GetValue<string>(), f![window]!["psi"]!.GetValue<double>(), f[window]!["level"]!.GetValue<string>()))).ToArray();

    [Fact]
    public async Task FrozenReference_SameDistribution_NoDrift_ShiftedInput_DriftsOnItAndTheOutputs()
    {
        await using var server = await StartAsync("parameters { key: \"drift_reference_requests\" value { string_value: \"150\" } }");
        var random = new Random(7);
        await SendAsync(server, random, 150, shift0: 0);
        await SendAsync(server, random, 150, shift0: 0);

        var calm = await DriftAsync(server);
        Assert.Equal("first_requests", calm["reference"]!["source"]!.GetValue<string>());
        Assert.All(Scores(calm, "lifetime"), s => Assert.True(s.Psi < 0.05, $"{s.Tensor}: PSI {s.Psi} on the reference's own distribution"));

        // Two standard deviations on INPUT0: the outputs (its sum and difference with INPUT1) move by √2 of theirs.
        await SendAsync(server, random, 450, shift0: 2 * Spread);

        var shifted = await DriftAsync(server);
        var scores = Scores(shifted, "window");
        Assert.All(scores.Where(s => s.Tensor is "INPUT0" or "OUTPUT0" or "OUTPUT1"), s => Assert.Equal("drift", s.Level));
        Assert.All(scores.Where(s => s.Tensor == "INPUT1"), s => Assert.Equal("none", s.Level));
        Assert.Equal(48.0 / 64, shifted["summary"]!["window"]!["drift_share"]!.GetValue<double>(), precision: 6);
    }

    [Fact]
    public async Task ReferenceFromCliFile_IsUsed_AndGaugesAndLatencyQuantilesAreExported()
    {
        var random = new Random(11);
        var samples = Path.GetTempFileName();
        var reference = Path.GetTempFileName();
        try
        {
            await File.WriteAllLinesAsync(samples, Enumerable.Range(0, 300).Select(_ => Request(random, 0).ToJsonString()));
            Assert.Equal(0, DriftReferenceCommand.Run(["--input", samples, "--output", reference]));
            await using var server = await TestServer.StartAsync(root =>
            {
                SampleRepositoryWriter.WriteModel(root, "simple", SimpleOnnx, "name: \"simple\"\nmax_batch_size: 8\n");
                File.Copy(reference, Path.Combine(root, "simple", "1", "drift_reference.json"));
            });

            await SendAsync(server, random, 200, shift0: 0);

            var report = await DriftAsync(server);
            Assert.Equal("file", report["reference"]!["source"]!.GetValue<string>());
            Assert.Equal(300, report["reference"]!["requests"]!.GetValue<long>());
            Assert.Equal(32, report["summary"]!["lifetime"]!["features_scored"]!.GetValue<int>());
            // Same distribution: nothing drifts. A warning on one of 32 features is sampling, not a fault: this seed's
            // INPUT0 column 15 moves its mean by 0.1σ (three standard errors) between the two samples.
            Assert.Equal(0, report["summary"]!["lifetime"]!["drift"]!.GetValue<int>());
            Assert.InRange(report["summary"]!["lifetime"]!["warning"]!.GetValue<int>(), 0, 1);

            using var stats = await server.Http.GetAsync("v2/models/simple/versions/1/stats").WithTimeout();
            var latency = JsonNode.Parse(await stats.Content.ReadAsStringAsync().WithTimeout())!["model_stats"]![0]!["latency_us"]!;
            Assert.Equal(200, latency["request"]!["lifetime"]!["count"]!.GetValue<long>());
            Assert.True(latency["request"]!["1m"]!["p99"]!.GetValue<double>() >= latency["request"]!["1m"]!["p50"]!.GetValue<double>());

            using var http = new HttpClient();
            var metrics = await http.GetStringAsync($"http://127.0.0.1:{server.MetricsPort}/metrics").WithTimeout();
            Assert.Contains("inference_server_drift_psi{model=\"simple\",version=\"1\",kind=\"input\",tensor=\"INPUT0\",feature=\"15\",window=\"lifetime\"}", metrics, StringComparison.Ordinal);
            Assert.Contains("inference_server_latency_seconds{model=\"simple\",version=\"1\",stage=\"request\",window=\"lifetime\",quantile=\"0.99\"}", metrics, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(samples);
            File.Delete(reference);
        }
    }

    [Fact]
    public void JsonlReference_NonFiniteTokens_CountedAsMissing()
    {
        var samples = Path.GetTempFileName();
        var reference = Path.GetTempFileName();
        try
        {
            // As Python's json.dumps writes a float('nan') and float('inf').
            File.WriteAllLines(samples,
            [
                """{"inputs":[{"name":"INPUT0","shape":[2,2],"datatype":"FP32","data":[NaN,1.5,Infinity,2.5]}]}""",
                """{"inputs":[{"name":"INPUT0","shape":[2,2],"datatype":"FP32","data":[-Infinity,3.5,0.5,4.5]}]}""",
            ]);

            Assert.Equal(0, DriftReferenceCommand.Run(["--input", samples, "--output", reference]));

            var profile = Core.Telemetry.Profiles.ReferenceProfileFile.Load(reference);
            Assert.Equal(0.75, profile.Find("input", "INPUT0", 0)!.InvalidShare, 12);
            Assert.Equal(1, profile.Find("input", "INPUT0", 0)!.Sketch.Count);
            Assert.Equal(0, profile.Find("input", "INPUT0", 1)!.InvalidShare);
        }
        finally
        {
            File.Delete(samples);
            File.Delete(reference);
        }
    }

    [Theory]
    [InlineData("FP16")]
    [InlineData("BF16")]
    public async Task HalfPrecisionJson_NonFiniteTokens_ReachTheModel(string datatype)
    {
        var type = datatype == "FP16" ? OnnxType.Float16 : OnnxType.Bfloat16;
        await using var server = await TestServer.StartAsync(root =>
            SampleRepositoryWriter.WriteModel(root, "half", SampleModels.Identity(type, -1, 2), "name: \"half\"\nmax_batch_size: 8\n"));

        var body = $$$"""{"inputs":[{"name":"INPUT0","shape":[2,2],"datatype":"{{{datatype}}}","data":[NaN,1.5,-Infinity,2.5]}],"outputs":[{"name":"OUTPUT0","parameters":{"binary_data":true}}]}""";
        var result = await HttpInfer.ReadAsync(await HttpInfer.PostAsync(server.Http, "half", HttpInfer.Json(body)));

        Assert.Equal(HttpStatusCode.OK, result.Status);
        // Either half-precision format widened to a float: FP16 by Half, BF16 as a float's upper 16 bits.
        var values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ushort>(result.Binary["OUTPUT0"]).ToArray()
            .Select(b => type == OnnxType.Float16 ? (float)BitConverter.UInt16BitsToHalf(b) : BitConverter.Int32BitsToSingle(b << 16)).ToArray();
        Assert.True(float.IsNaN(values[0]));
        Assert.Equal([1.5f, float.NegativeInfinity, 2.5f], values[1..]);
        if (type != OnnxType.Float16)
        {
            return;
        }

        // FP16 is profiled: the NaN and the infinity are counted as missing on their column.
        await server.AfterStepsSettledAsync();
        using var drift = await server.Http.GetAsync("v2/models/half/versions/1/drift").WithTimeout();
        var input = JsonNode.Parse(await drift.Content.ReadAsStringAsync().WithTimeout())!["model_drift"]![0]!["tensors"]!.AsArray()
            .Single(t => t!["name"]!.GetValue<string>() == "INPUT0")!["features"]!.AsArray();
        Assert.Equal(1, input[0]!["nan_count"]!.GetValue<long>());
        Assert.Equal(1, input[0]!["inf_count"]!.GetValue<long>());
        Assert.Equal(0, input[1]!["nan_count"]!.GetValue<long>());
    }

    [Fact]
    public async Task BadReferenceFile_FailsTheVersionWithTheReason()
    {
        await using var server = await TestServer.StartAsync(root =>
        {
            SampleRepositoryWriter.WriteModel(root, "simple", SimpleOnnx, "name: \"simple\"\nmax_batch_size: 8\n");
            File.WriteAllText(Path.Combine(root, "simple", "1", "drift_reference.json"), "{\"format\": \"something-else\"}");
        });
        server.ExpectLoadFailures("simple");

        using var response = await server.Http.PostAsync("v2/repository/index", content: null).WithTimeout();
        var row = Assert.Single(JsonNode.Parse(await response.Content.ReadAsStringAsync().WithTimeout())!.AsArray())!;
        Assert.Equal("UNAVAILABLE", row["state"]!.GetValue<string>());
        Assert.Contains("drift_reference.json", row["reason"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
