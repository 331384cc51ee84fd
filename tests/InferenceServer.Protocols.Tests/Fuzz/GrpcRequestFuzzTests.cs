using InferenceServer.FuzzTargets.Checks;
using InferenceServer.FuzzTargets.Mutations;
using InferenceServer.FuzzTargets.Mutations.Grpc;
using InferenceServer.FuzzTargets.Seeds;
using InferenceServer.FuzzTargets.Targets;

namespace InferenceServer.Protocols.Tests.Fuzz;

/// <summary>
/// The gRPC request mapping on mutated valid <c>ModelInferRequest</c>s (the <c>grpc</c> fuzz target): bytes
/// that are no longer a message end in protobuf's own error; a message that still parses is mapped for every
/// sample model and must end in success or a client error. Field edits reach the shapes, datatypes and contents
/// that byte mutations seldom leave parseable.
/// </summary>
public sealed class GrpcRequestFuzzTests
{
    private readonly GrpcRequestTarget _target = new();

    [Fact]
    public void Seeds_AreAcceptedByTheirModels() => FuzzProperties.SeedsAreAccepted(_target);

    [Fact]
    public void MutatedMessageBytes_EndInSuccessOrAClientError() =>
        FuzzProperties.MutatedInputsEndInADocumentedOutcome(_target, MutationGen.Mutated(_target.Seeds));

    [Fact]
    public void EditedMessageFields_EndInSuccessOrAClientError() =>
        FuzzProperties.MutatedInputsEndInADocumentedOutcome(_target, GrpcMutationGen.Mutated(GrpcSeeds.Messages));
}
