using CsCheck;

namespace InferenceServer.FuzzTargets.Mutations;

/// <summary>
/// CsCheck generators of mutated seeds. Every part of an edit is drawn from the generator's seed, so CsCheck
/// shrinks a failure towards fewer and simpler edits and prints the seed that replays it.
/// </summary>
internal static class MutationGen
{
    /// <summary>Up to this many edits are stacked on one seed, as AFL's havoc stage does.</summary>
    public const int MaxStackedMutations = 4;

    public static readonly Gen<Mutation> Mutation =
        Gen.Select(Gen.Enum<MutationKind>(), Gen.UInt, Gen.UInt, Gen.UInt, static (kind, position, length, choice) => new Mutation(kind, position, length, choice));

    /// <summary>One of <paramref name="seeds"/> with one to <see cref="MaxStackedMutations"/> edits.</summary>
    public static Gen<MutatedInput> Mutated(IReadOnlyList<(string Name, byte[] Bytes)> seeds) =>
        Gen.Select(Gen.Int[0, seeds.Count - 1], Mutation.Array[1, MaxStackedMutations], (index, mutations) =>
            new MutatedInput(seeds[index].Name, mutations, Mutator.Apply(seeds[index].Bytes, mutations)));
}
