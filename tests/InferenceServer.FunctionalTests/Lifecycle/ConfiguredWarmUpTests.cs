using System.Text.Json.Nodes;
using InferenceServer.FunctionalTests.Infrastructure;
using InferenceServer.ModelBuilder.Repository;
using InferenceServer.ModelBuilder.Samples;

namespace InferenceServer.FunctionalTests.Lifecycle;

/// <summary>
/// <c>model_warmup</c> through ONNX Runtime: samples the model accepts load it READY (no synthetic warm-up
/// note); a sample the model rejects fails the version with the sample named, as in Triton.
/// </summary>
public sealed class ConfiguredWarmUpTests
{
    private static readonly byte[] SimpleOnnx = SampleRepositoryWriter.CreateSamples().Single(s => s.Name == SampleModelNames.Simple).Onnx;

    private static async Task<JsonNode> IndexRowAsync(string warmup, bool loadFails = false)
    {
        await using var server = await TestServer.StartAsync(root =>
        {
            SampleRepositoryWriter.WriteModel(root, "simple", SimpleOnnx, $"name: \"simple\"\nmax_batch_size: 8\n{warmup}");
            Directory.CreateDirectory(Path.Combine(root, "simple", "warmup"));
            File.WriteAllBytes(Path.Combine(root, "simple", "warmup", "ones.bin"), [.. Enumerable.Repeat(new byte[] { 1, 0, 0, 0 }, 2 * 16).SelectMany(b => b)]);
        });
        if (loadFails)
        {
            server.ExpectLoadFailures("simple");
        }

        using var response = await server.Http.PostAsync("v2/repository/index", content: null).WithTimeout();
        return Assert.Single(JsonNode.Parse(await response.Content.ReadAsStringAsync().WithTimeout())!.AsArray())!;
    }

    [Fact]
    public async Task AcceptedSamples_VersionReadyWithoutAnyNote()
    {
        var row = await IndexRowAsync("""
            model_warmup [ { name: "zeros_and_file" batch_size: 2 count: 3
              inputs { key: "INPUT0" value { data_type: TYPE_INT32 dims: [ 16 ] zero_data: true } }
              inputs { key: "INPUT1" value { data_type: TYPE_INT32 dims: [ 16 ] input_data_file: "ones.bin" } } } ]
            """);

        Assert.Equal("READY", row["state"]!.GetValue<string>());
        Assert.Null(row["reason"]);
    }

    [Fact]
    public async Task RejectedSample_VersionUnavailableNamingTheSample()
    {
        var row = await IndexRowAsync("""
            model_warmup [ { name: "wrong_width" batch_size: 1
              inputs { key: "INPUT0" value { data_type: TYPE_INT32 dims: [ 15 ] zero_data: true } }
              inputs { key: "INPUT1" value { data_type: TYPE_INT32 dims: [ 15 ] zero_data: true } } } ]
            """, loadFails: true);

        Assert.Equal("UNAVAILABLE", row["state"]!.GetValue<string>());
        Assert.Contains("warm-up sample 'wrong_width'", row["reason"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
