using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using InferenceServer.Cli;
using InferenceServer.Core.Telemetry.Profiles;
using InferenceServer.FunctionalTests.Infrastructure;
using InferenceServer.ModelBuilder.Repository;
using InferenceServer.ModelBuilder.Samples;
using OnnxType = InferenceServer.ModelBuilder.Onnx.TensorProto.Types.DataType;

namespace InferenceServer.FunctionalTests.Telemetry;

/// <summary>
/// A reference from training data: <c>drift-reference --csv</c> writes a file whose features hold exactly the CSV's
/// columns (counts, missing cells, moments) under the header's names; a server shipping it scores traffic from the
/// same distribution as calm and a shifted column as drift, under those names in JSON and metric labels.
/// </summary>
public sealed class CsvReferenceTests : IDisposable
{
    private const int Columns = 3;
    private const string Model = "scorer";
    private readonly string _folder = Directory.CreateTempSubdirectory("csv-reference-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private string WriteCsv(string header, IEnumerable<string> rows)
    {
        var path = Path.Combine(_folder, Guid.NewGuid().ToString("N") + ".csv");
        File.WriteAllLines(path, [header, .. rows]);
        return path;
    }

    private string Run(string csv)
    {
        var output = Path.Combine(_folder, Guid.NewGuid().ToString("N") + ".json");
        Assert.Equal(0, DriftReferenceCommand.Run(["--csv", csv, "--output", output]));
        return output;
    }

    [Fact]
    public void Csv_RoundTrip_FileHoldsTheColumnsExactly()
    {
        // Quoted header, an empty cell (missing), NaN and Infinity cells.
        var csv = WriteCsv("\"age\",income,\"sco,re\"", ["1,10,", "2,NaN,5", "3,Infinity,6", "4,40,7"]);

        var file = Run(csv);

        var reference = ReferenceProfileFile.Load(file);
        Assert.Equal(4, reference.Requests);
        Assert.Equal(["age", "income", "sco,re"], reference.FeatureNames[("input", "INPUT0")]);
        var age = reference.Find("input", "INPUT0", 0)!;
        Assert.Equal(4, age.Sketch.Count);
        Assert.Equal(2.5, age.Sketch.Quantile(0.5), 1.0);
        Assert.Equal(Math.Sqrt(1.25), age.StandardDeviation, 12);
        Assert.Equal(0, age.InvalidShare);
        var income = reference.Find("input", "INPUT0", 1)!;
        Assert.Equal(2, income.Sketch.Count);
        Assert.Equal(0.5, income.InvalidShare);
        var score = reference.Find("input", "INPUT0", 2)!;
        Assert.Equal(3, score.Sketch.Count);
        Assert.Equal(0.25, score.InvalidShare);
    }

    [Fact]
    public void Csv_TextAndIntegerColumns_CarryTheirCategoryCountsThroughTheFile()
    {
        // "kind" has a cell that is not a number: text. "code" is all integers: quantiles and categories. "x" is floating-point.
        var csv = WriteCsv("kind,code,x", ["visa,1,0.5", "visa,2,1.5", "amex,1,", ",3,2", "\"mc, intl\",1,7"]);

        var reference = ReferenceProfileFile.Load(Run(csv));

        var kind = reference.Find("input", "INPUT0", 0)!;
        Assert.True(kind.Sketch.IsEmpty);
        Assert.Equal(0.2, kind.InvalidShare, 12);
        Assert.True(kind.Categories!.IsText);
        Assert.Equal(4, kind.Categories.Total);
        Assert.Equal(2, kind.Categories.Count(Core.Telemetry.Sketches.FrequentItems.TextKey("visa"u8)));
        Assert.Equal("mc, intl", kind.Categories.Label(Core.Telemetry.Sketches.FrequentItems.TextKey("mc, intl"u8)));
        var code = reference.Find("input", "INPUT0", 1)!;
        Assert.False(code.Categories!.IsText);
        Assert.Equal([3L, 1L, 1L], [code.Categories.Count(1), code.Categories.Count(2), code.Categories.Count(3)]);
        Assert.Equal(5, code.Sketch.Count);
        Assert.Null(reference.Find("input", "INPUT0", 2)!.Categories);
    }

    [Fact]
    public void Csv_NumberedHeader_FeaturesKeepTheirIndices()
    {
        var file = Run(WriteCsv("0,1", ["1,2", "3,4"]));

        Assert.Empty(ReferenceProfileFile.Load(file).FeatureNames);
    }

    [Theory]
    [InlineData("a,b\n1\n", "1 fields, but the header has 2")]
    [InlineData("a,a\n1,2\n", "name every column once")]
    [InlineData("\"a,b\n1,2\n", "quoted field is not closed")]
    public void Csv_BadTable_RefusedWithTheLineAndReason(string text, string expected)
    {
        var path = Path.Combine(_folder, "bad.csv");
        File.WriteAllText(path, text);

        var error = Assert.Throws<InvalidDataException>(() => CsvReference.Profile(path));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal(1, DriftReferenceCommand.Run(["--csv", path, "--output", Path.Combine(_folder, "bad.json")]));
    }

    [Fact]
    public async Task CsvReference_ShippedWithTheVersion_NamesTheFeatures_ScoresCalmThenDrift()
    {
        var random = new Random(5);
        string Row(double shift) => string.Join(',', Enumerable.Range(0, Columns).Select(c => (Normal(random) + (c == 2 ? shift : 0)).ToString("R", CultureInfo.InvariantCulture)));
        var reference = Run(WriteCsv("age,income,score", Enumerable.Range(0, 2_000).Select(_ => Row(0))));
        await using var server = await TestServer.StartAsync(root =>
        {
            SampleRepositoryWriter.WriteModel(root, Model, SampleModels.Identity(OnnxType.Float, -1, Columns), $"name: \"{Model}\"\nmax_batch_size: 8\n");
            File.Copy(reference, Path.Combine(root, Model, "1", ProfileOptions.ReferenceFileName));
        });

        async Task SendAsync(int requests, double shift)
        {
            for (var i = 0; i < requests; i++)
            {
                var data = string.Join(',', Enumerable.Range(0, 8).Select(_ => Row(shift)));
                var body = $$"""{"inputs":[{"name":"INPUT0","shape":[8,{{Columns}}],"datatype":"FP32","data":[{{data}}]}]}""";
                using var response = await HttpInfer.PostAsync(server.Http, Model, HttpInfer.Json(body));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            await server.AfterStepsSettledAsync();
        }

        await SendAsync(100, shift: 0);
        var calm = await InputLevelsAsync(server, "lifetime");
        Assert.Equal(["age", "income", "score"], calm.Keys.Order());
        Assert.All(calm, f => Assert.Equal("none", f.Value));

        await SendAsync(200, shift: 1);
        var shifted = await InputLevelsAsync(server, "lifetime");
        Assert.Equal("drift", shifted["score"]);
        Assert.Equal("none", shifted["age"]);
        Assert.Equal("none", shifted["income"]);

        using var http = new HttpClient();
        var metrics = await http.GetStringAsync($"http://127.0.0.1:{server.MetricsPort}/metrics").WithTimeout();
        Assert.Contains($$"""inference_server_drift_level{model="{{Model}}",version="1",kind="input",tensor="INPUT0",feature="score",window="lifetime"} 2""", metrics, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("age, income", "names 2 columns but the tensor is profiled as 3 feature(s)")]
    [InlineData("age, score, income", "name the columns differently")]
    public async Task FeatureNames_WrongCountOrDisagreeingWithTheReference_FailTheVersionWithTheReason(string names, string expected)
    {
        var reference = Run(WriteCsv("age,income,score", ["1,2,3", "4,5,6"]));
        await using var server = await TestServer.StartAsync(root =>
        {
            SampleRepositoryWriter.WriteModel(root, Model, SampleModels.Identity(OnnxType.Float, -1, Columns),
                $"name: \"{Model}\"\nmax_batch_size: 8\nparameters {{ key: \"drift_feature_names.INPUT0\" value {{ string_value: \"{names}\" }} }}\n");
            File.Copy(reference, Path.Combine(root, Model, "1", ProfileOptions.ReferenceFileName));
        });
        server.ExpectLoadFailures(Model);

        using var response = await server.Http.PostAsync("v2/repository/index", content: null).WithTimeout();
        var row = Assert.Single(JsonNode.Parse(await response.Content.ReadAsStringAsync().WithTimeout())!.AsArray())!;
        Assert.Equal("UNAVAILABLE", row["state"]!.GetValue<string>());
        Assert.Contains(expected, row["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("drift_feature_names.INPUT0", row["reason"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private static async Task<Dictionary<string, string>> InputLevelsAsync(TestServer server, string window)
    {
        using var response = await server.Http.GetAsync($"v2/models/{Model}/versions/1/drift").WithTimeout();
        var report = JsonNode.Parse(await response.Content.ReadAsStringAsync().WithTimeout())!["model_drift"]![0]!;
        Assert.Equal("file", report["reference"]!["source"]!.GetValue<string>());
        var input = report["tensors"]!.AsArray().Single(t => t!["name"]!.GetValue<string>() == "INPUT0")!;
        return input["features"]!.AsArray().ToDictionary(f => f!["name"]!.GetValue<string>(), f => f![window]!["level"]!.GetValue<string>());
    }
}
