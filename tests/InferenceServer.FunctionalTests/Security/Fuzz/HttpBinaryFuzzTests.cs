using InferenceServer.FunctionalTests.Infrastructure;
using InferenceServer.FuzzTargets.Mutations;
using InferenceServer.FuzzTargets.Seeds;

namespace InferenceServer.FunctionalTests.Security.Fuzz;

/// <summary>
/// Mutated requests of the binary tensor extension sent to the real server: the Inference-Header-Content-Length
/// value is mutated with the body (absent, zero, negative, past the body, huge, not a number), as are the JSON
/// header, its binary_data_size values and the blobs. Every answer is a well-formed 200 or a client error with a
/// message, and afterwards a good request is still answered correctly.
/// </summary>
[Collection(FuzzServerCollection.Name)]
public sealed class HttpBinaryFuzzTests(FuzzServerFixture fixture)
{
    private static readonly Dictionary<string, HttpRequestSeed> Seeds = BinarySeeds.All.ToDictionary(s => s.Name);

    [Fact]
    public async Task MutatedBinaryRequests_AnsweredWithSuccessOrAClientError()
    {
        var server = fixture.Server;

        await FuzzProperty.SampleAsync(server, MutationGen.Mutated([.. Seeds.Values.Select(s => (s.Name, s.ToFuzzInput()))]), async input =>
        {
            var model = Seeds[input.SeedName].Model;
            var (header, body) = HttpRequestFile.Decode(input.Bytes);
            var response = await HttpInfer.PostAsync(server.Http, model, FuzzRequests.Binary(header, body));
            await FuzzAnswers.AssertHttpAsync(response, $"{model}: {input}");
        });
    }
}
