using InferenceServer.FunctionalTests.Infrastructure;
using InferenceServer.FuzzTargets.Mutations;
using InferenceServer.FuzzTargets.Seeds;

namespace InferenceServer.FunctionalTests.Security.Fuzz;

/// <summary>
/// Mutated JSON inference bodies sent to the real server over HTTP, each to the model its seed was written for
/// (byte flips, cuts, insertions, duplicated runs, boundary numbers in shapes and sizes, odd datatypes and names,
/// deep nesting): every answer is a well-formed 200 or a client error with a message, and afterwards a good
/// request is still answered correctly.
/// </summary>
[Collection(FuzzServerCollection.Name)]
public sealed class HttpJsonFuzzTests(FuzzServerFixture fixture)
{
    private static readonly Dictionary<string, HttpRequestSeed> Seeds = JsonSeeds.All.ToDictionary(s => s.Name);

    [Fact]
    public async Task MutatedJsonBodies_AnsweredWithSuccessOrAClientError()
    {
        var server = fixture.Server;

        await FuzzProperty.SampleAsync(server, MutationGen.Mutated([.. Seeds.Values.Select(s => (s.Name, s.Body))]), async input =>
        {
            var model = Seeds[input.SeedName].Model;
            var response = await HttpInfer.PostAsync(server.Http, model, FuzzRequests.Json(input.Bytes));
            await FuzzAnswers.AssertHttpAsync(response, $"{model}: {input}");
        });
    }
}
