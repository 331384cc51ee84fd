namespace InferenceServer.FuzzTargets.Mutations;

/// <summary>
/// One edit of a byte string. Its parameters are drawn without seeing the input: positions, lengths and
/// choices are taken modulo what the input offers when the edit is applied (<see cref="Mutator.Apply(byte[], Mutation)"/>),
/// so a property-test generator can draw and shrink edits independently of the seed they are applied to.
/// </summary>
/// <param name="Kind">What the edit does.</param>
/// <param name="Position">Where (modulo the input's length, or the number of candidate tokens).</param>
/// <param name="Length">How much (modulo a kind-specific bound).</param>
/// <param name="Choice">Which value, token or depth (modulo the size of the kind's table).</param>
internal readonly record struct Mutation(MutationKind Kind, uint Position, uint Length, uint Choice)
{
    public override string ToString() => $"{Kind}(at {Position}, length {Length}, choice {Choice})";
}
