using InferenceServer.FuzzTargets.Checks;
using InferenceServer.FuzzTargets.Mutations;
using InferenceServer.FuzzTargets.Targets;

namespace InferenceServer.Core.Tests.Fuzz;

/// <summary>
/// The config.pbtxt parser on mutated valid configs (the <c>pbtxt</c> fuzz target): each text ends in a parse
/// error with a message and a position, a load error naming the field, or a config from which a version is built.
/// </summary>
public sealed class ModelConfigFuzzTests
{
    private readonly ModelConfigTarget _target = new();

    [Fact]
    public void Seeds_AreAccepted() => FuzzProperties.SeedsAreAccepted(_target);

    [Fact]
    public void MutatedConfigs_EndInAConfigOrADocumentedError() =>
        FuzzProperties.MutatedInputsEndInADocumentedOutcome(_target, MutationGen.Mutated(_target.Seeds));

    [Fact]
    public void EveryNumberAtEveryBoundary_EndsInAConfigOrADocumentedError() => FuzzProperties.EveryNumberAtEveryBoundary(_target);

    [Fact]
    public void DeepNesting_EndsInAConfigOrADocumentedError() => FuzzProperties.EveryNestingDepth(_target);
}
