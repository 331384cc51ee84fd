using InferenceServer.FuzzTargets.Checks;
using InferenceServer.FuzzTargets.Mutations;
using InferenceServer.FuzzTargets.Targets;

namespace InferenceServer.Protocols.Tests.Fuzz;

/// <summary>
/// The HTTP JSON request reader on mutated valid bodies (the <c>json</c> fuzz target): each input is parsed
/// against every sample model and validated, and must end in success or a client error with a message,
/// return every pinned buffer, and allocate in proportion to its size (<see cref="RequestOracle"/>).
/// </summary>
public sealed class JsonRequestFuzzTests
{
    private readonly JsonRequestTarget _target = new();

    [Fact]
    public void Seeds_AreAcceptedByTheirModels() => FuzzProperties.SeedsAreAccepted(_target);

    [Fact]
    public void MutatedBodies_EndInSuccessOrAClientError() =>
        FuzzProperties.MutatedInputsEndInADocumentedOutcome(_target, MutationGen.Mutated(_target.Seeds));

    [Fact]
    public void EveryNumberAtEveryBoundary_EndsInSuccessOrAClientError() => FuzzProperties.EveryNumberAtEveryBoundary(_target);

    [Fact]
    public void DeepNesting_EndsInSuccessOrAClientError() => FuzzProperties.EveryNestingDepth(_target);
}
