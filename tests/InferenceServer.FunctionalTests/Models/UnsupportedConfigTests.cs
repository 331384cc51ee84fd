using System.Net;
using System.Text.Json.Nodes;
using InferenceServer.FunctionalTests.Infrastructure;
using InferenceServer.ModelBuilder.Repository;
using InferenceServer.ModelBuilder.Samples;

namespace InferenceServer.FunctionalTests.Models;

/// <summary>
/// Configs that ask for what this server does not do (a decoupled transaction policy) or what the model cannot take (a
/// sequence batcher feeding a control input the model lacks) beside a model that serves. Invariants: such a model never turns READY — it is UNAVAILABLE in the repository index with
/// a reason naming the field, and requests for it get 503 with that reason; the other model serves; a reload to
/// such a config is refused naming the field while the version that served keeps serving.
/// </summary>
public sealed class UnsupportedConfigTests
{
    private const string Simple = "simple";
    private const string Sequence = "simple_sequence";
    private const string Decoupled = "simple_decoupled";
    private const string SequenceBatching = "sequence_batching { control_input [ { name: \"START\" control [ { kind: CONTROL_SEQUENCE_START fp32_false_true: [ 0, 1 ] } ] } ] }\n";

    private static readonly byte[] SimpleOnnx =
        SampleRepositoryWriter.CreateSamples().Single(s => s.Name == SampleModelNames.Simple).Onnx;

    private static string Config(string name, string extra) => $"name: \"{name}\"\nmax_batch_size: 8\n{extra}";

    private static void WriteRepository(string root)
    {
        SampleRepositoryWriter.WriteModel(root, Simple, SimpleOnnx, Config(Simple, ""));
        SampleRepositoryWriter.WriteModel(root, Sequence, SimpleOnnx, Config(Sequence, SequenceBatching));
        SampleRepositoryWriter.WriteModel(root, Decoupled, SimpleOnnx, Config(Decoupled, "model_transaction_policy { decoupled: true }\n"));
    }

    private static async Task<JsonArray> IndexAsync(TestServer server)
    {
        using var response = await server.Http.PostAsync("v2/repository/index", content: null).WithTimeout();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync().WithTimeout())!.AsArray();
    }

    private static JsonNode Row(JsonArray index, string model) => Assert.Single(index, m => m!["name"]!.GetValue<string>() == model)!;

    private static async Task AssertServesAsync(TestServer server)
    {
        using var response = await HttpInfer.PostAsync(server.Http, Simple, SimpleRequests.Json(batch: 1));
        var result = await HttpInfer.ReadAsync(response);
        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.Equal(SimpleRequests.Sum(SimpleRequests.Input0(1), SimpleRequests.Input1(1)), result.Int32Data("OUTPUT0"));
    }

    [Fact]
    public async Task RepositoryIndex_UnsupportedScheduler_UnavailableNamingTheField_OtherModelServes()
    {
        await using var server = await TestServer.StartAsync(WriteRepository);
        server.ExpectLoadFailures(Sequence, Decoupled);

        var index = await IndexAsync(server);

        var sequence = Row(index, Sequence);
        Assert.Equal("UNAVAILABLE", sequence["state"]!.GetValue<string>());
        Assert.Contains($"model '{Sequence}': sequence_batching names input 'START', which the model does not have", sequence["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        var decoupled = Row(index, Decoupled);
        Assert.Equal("UNAVAILABLE", decoupled["state"]!.GetValue<string>());
        Assert.Contains("model_transaction_policy { decoupled: true } is not supported", decoupled["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("READY", Row(index, Simple)["state"]!.GetValue<string>());
        await AssertServesAsync(server);

        using var refused = await HttpInfer.PostAsync(server.Http, Sequence, SimpleRequests.Json(batch: 1));
        var message = await HttpInfer.AssertErrorAsync(refused, HttpStatusCode.ServiceUnavailable);
        Assert.Contains("sequence_batching", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reload_ConfigGainsSequenceBatching_Returns400NamingTheField_PreviousVersionKeepsServing()
    {
        await using var server = await TestServer.StartAsync(WriteRepository, options =>
        {
            options.ModelControlMode = Core.Models.Repository.ModelControlMode.Explicit;
            options.LoadModels = [Simple];
        });
        server.ExpectLoadFailures(Simple);
        await File.WriteAllTextAsync(Path.Combine(server.RepositoryPath, Simple, "config.pbtxt"), Config(Simple, SequenceBatching));

        using var load = await server.Http.PostAsync($"v2/repository/models/{Simple}/load", content: null).WithTimeout();

        var message = await HttpInfer.AssertErrorAsync(load, HttpStatusCode.BadRequest);
        Assert.Contains("sequence_batching names input 'START', which the model does not have", message, StringComparison.Ordinal);
        await AssertServesAsync(server);
        var row = Row(await IndexAsync(server), Simple);
        Assert.Equal("READY", row["state"]!.GetValue<string>());
        Assert.Contains("reload failed", row["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("sequence_batching", row["reason"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
