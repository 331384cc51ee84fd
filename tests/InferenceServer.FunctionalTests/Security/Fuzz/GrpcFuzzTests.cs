using CsCheck;
using Google.Protobuf;
using Grpc.Net.Client;
using Inference;
using InferenceServer.FunctionalTests.Infrastructure;
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

    /// <summary>
    /// A mutated message, then a good one, on one stream: a message that is not one ends the stream with a client
    /// status; one that parses is answered inside the stream (success or its error), and the good one after it is
    /// answered correctly. The stream's order holds: two messages, two responses.
    /// </summary>
    [Fact]
    public Task StreamedMessages_AnsweredInTheStream_OrTheStreamEndsWithAClientStatus()
    {
        var server = fixture.Server;
        var good = SimpleRequests.Grpc(batch: 1, seed: 9);
        good.Id = "good";
        var goodBytes = good.ToByteArray();

        return FuzzProperty.SampleAsync(server, Gen.OneOf(GrpcMutationGen.Mutated(GrpcSeeds.Messages), MutationGen.Mutated(GrpcSeeds.All)), async input =>
        {
            // A channel per stream: a stream the server ends early is reset, and Kestrel answers a connection that
            // piles up resets with ENHANCE_YOUR_CALM (its rapid-reset defence), which would end every later stream on it.
            using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{server.GrpcPort}");
            var (responses, error) = await FuzzRequests.ModelStreamInferAsync(channel, [input.Bytes, goodBytes]);
            if (error is not null)
            {
                FuzzAnswers.AssertGrpc(error, input.ToString());
                return;
            }

            Assert.True(responses.Count == 2, $"{responses.Count} responses to two messages for {input}");
            var last = ModelStreamInferResponse.Parser.ParseFrom(responses[1]);
            Assert.True(last.ErrorMessage.Length == 0, $"the good message after {input} failed: {last.ErrorMessage}");
            Assert.Equal("good", last.InferResponse.Id);
            Assert.Equal(SimpleRequests.Sum(SimpleRequests.Input0(1, 9), SimpleRequests.Input1(1, 9)), SimpleRequests.Int32s(last.InferResponse.RawOutputContents[0]));
        });
    }

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
