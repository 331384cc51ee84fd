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
    /// <summary>Calls per property: a few seconds on two cores.</summary>
    private const long Iterations = 2_000;

    [Fact]
    public async Task EditedMessages_AnsweredWithSuccessOrAClientStatus()
    {
        var server = fixture.Server;

        await GrpcMutationGen.Mutated(GrpcSeeds.Messages).SampleAsync(
            async input =>
            {
                if (await FuzzRequests.ModelInferAsync(server.Channel, input.Bytes) is { } error)
                {
                    FuzzAnswers.AssertGrpc(error, input.ToString());
                }
            },
            iter: Iterations,
            threads: 2,
            print: input => input.ToString());

        await FuzzAnswers.AssertGoodRequestsStillAnsweredAsync(server);
    }

    [Fact]
    public async Task MutatedMessageBytes_AnsweredWithSuccessOrAClientStatus()
    {
        var server = fixture.Server;

        await MutationGen.Mutated(GrpcSeeds.All).SampleAsync(
            async input =>
            {
                if (await FuzzRequests.ModelInferAsync(server.Channel, input.Bytes) is { } error)
                {
                    FuzzAnswers.AssertGrpc(error, input.ToString());
                }
            },
            iter: Iterations,
            threads: 2,
            print: input => input.ToString());

        await FuzzAnswers.AssertGoodRequestsStillAnsweredAsync(server);
    }
}
