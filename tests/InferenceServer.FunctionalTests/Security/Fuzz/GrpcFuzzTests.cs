using CsCheck;
using InferenceServer.FuzzTargets.Mutations;
using InferenceServer.FuzzTargets.Mutations.Grpc;
using InferenceServer.FuzzTargets.Seeds;

namespace InferenceServer.FunctionalTests.Security.Fuzz;

/// <summary>
/// Mutated <c>ModelInferRequest</c>s sent to the real server as raw bytes: field edits that keep the message
/// parseable (boundary shapes, datatypes, contents, parameters, outputs), and byte mutations that mostly do not.
/// Every call succeeds or fails with a client status and a message, never INTERNAL or UNKNOWN, and afterwards a
/// good request is still answered correctly.
/// </summary>
[Collection(FuzzServerCollection.Name)]
public sealed class GrpcFuzzTests(FuzzServerFixture fixture)
{
    [Fact]
    public Task EditedMessages_AnsweredWithSuccessOrAClientStatus() => SampleAsync(GrpcMutationGen.Mutated(GrpcSeeds.Messages));

    [Fact]
    public Task MutatedMessageBytes_AnsweredWithSuccessOrAClientStatus() => SampleAsync(MutationGen.Mutated(GrpcSeeds.All));

    private Task SampleAsync(Gen<MutatedInput> inputs)
    {
        var server = fixture.Server;

        return FuzzProperty.SampleAsync(server, inputs, async input =>
        {
            if (await FuzzRequests.ModelInferAsync(server.Channel, input.Bytes) is { } error)
            {
                FuzzAnswers.AssertGrpc(error, input.ToString());
            }
        });
    }
}
