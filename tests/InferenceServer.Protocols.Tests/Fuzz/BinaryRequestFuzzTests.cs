using InferenceServer.FuzzTargets.Checks;
using InferenceServer.FuzzTargets.Mutations;
using InferenceServer.FuzzTargets.Targets;

namespace InferenceServer.Protocols.Tests.Fuzz;

/// <summary>
/// The binary tensor extension on mutated valid requests (the <c>binary</c> fuzz target): the
/// Inference-Header-Content-Length value travels with the body, so mutations make it negative, huge, past
/// the body or not a number, as well as breaking the JSON header, the binary_data_size values and the blobs.
/// </summary>
public sealed class BinaryRequestFuzzTests
{
    private readonly BinaryRequestTarget _target = new();

    [Fact]
    public void Seeds_AreAcceptedByTheirModels() => FuzzProperties.SeedsAreAccepted(_target);

    [Fact]
    public void MutatedRequests_EndInSuccessOrAClientError() =>
        FuzzProperties.MutatedInputsEndInADocumentedOutcome(_target, MutationGen.Mutated(_target.Seeds));

    [Fact]
    public void EveryHeaderLengthAndBinarySizeAtEveryBoundary_EndsInSuccessOrAClientError() => FuzzProperties.EveryNumberAtEveryBoundary(_target);

    [Fact]
    public void DeepNesting_EndsInSuccessOrAClientError() => FuzzProperties.EveryNestingDepth(_target);
}
