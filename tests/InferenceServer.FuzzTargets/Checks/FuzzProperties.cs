using CsCheck;
using InferenceServer.FuzzTargets.Mutations;

namespace InferenceServer.FuzzTargets.Checks;

/// <summary>
/// The properties the unit test suites check for each target, bounded so all of them together take
/// seconds: every mutated input ends in a documented outcome (<see cref="IFuzzTarget.Execute"/> returns),
/// and the boundary values and nesting depths that random edits might miss are each tried once.
/// </summary>
internal static class FuzzProperties
{
    /// <summary>Random mutated inputs per property: about a second per target on one core. <c>CsCheck_Iter</c> raises it for a longer local run.</summary>
    public const long Iterations = 20_000;

    /// <summary>
    /// Every seed is accepted, by the model it was written for where the target parses against several (its name
    /// starts with the model's), so mutations start from valid input.
    /// </summary>
    public static void SeedsAreAccepted(IFuzzTarget target)
    {
        foreach (var (name, bytes) in target.Seeds)
        {
            var outcome = target.Execute(bytes).Split('\n');
            var expected = outcome.Length == 1 ? Targets.OutcomeLabel.Accepted : $"{name.Split('-')[0]}: {Targets.OutcomeLabel.Accepted}";
            if (!outcome.Contains(expected))
            {
                throw new FuzzInvariantException($"seed '{name}' is not accepted: {string.Join("; ", outcome)}");
            }
        }
    }

    /// <summary>Random stacks of edits on random seeds; CsCheck shrinks a failure and prints the seed that replays it.</summary>
    public static void MutatedInputsEndInADocumentedOutcome(IFuzzTarget target, Gen<MutatedInput> inputs, long iterations = Iterations) =>
        inputs.Sample(input => { target.Execute(input.Bytes); }, iter: iterations, threads: 1, print: input => input.ToString());

    /// <summary>Each number of each seed replaced by each boundary value in turn (shapes, sizes, lengths, limits).</summary>
    public static void EveryNumberAtEveryBoundary(IFuzzTarget target)
    {
        foreach (var (name, bytes) in target.Seeds)
        {
            var numbers = TextTokens.Numbers(bytes).Count;
            for (uint position = 0; position < numbers; position++)
            {
                for (uint value = 0; value < MutationValues.Numbers.Length; value++)
                {
                    Execute(target, name, bytes, new Mutation(MutationKind.ReplaceNumber, position, 0, value));
                }
            }
        }
    }

    /// <summary>Each number of each seed nested in arrays and in objects to each depth around and far past the limits.</summary>
    public static void EveryNestingDepth(IFuzzTarget target)
    {
        foreach (var (name, bytes) in target.Seeds)
        {
            var numbers = Math.Max(1, TextTokens.Numbers(bytes).Count);
            for (uint depth = 0; depth < MutationValues.Depths.Length; depth++)
            {
                for (uint shape = 0; shape < 2; shape++)
                {
                    // A few positions per seed: the depth matters more than where it is.
                    for (uint position = 0; position < Math.Min(numbers, 4); position++)
                    {
                        Execute(target, name, bytes, new Mutation(MutationKind.Nest, position * (uint)(numbers / Math.Min(numbers, 4)), shape, depth));
                    }
                }
            }
        }
    }

    private static void Execute(IFuzzTarget target, string seed, byte[] bytes, Mutation mutation)
    {
        var input = new MutatedInput(seed, [mutation], Mutator.Apply(bytes, mutation));
        try
        {
            target.Execute(input.Bytes);
        }
        catch (Exception ex)
        {
            throw new FuzzInvariantException($"{input}: {ex}");
        }
    }
}
