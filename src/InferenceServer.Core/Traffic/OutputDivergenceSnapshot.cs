namespace InferenceServer.Core.Traffic;

/// <summary>
/// How far a shadow version's output tensor has been from the primary's, over every pair compared so far.
/// </summary>
/// <param name="Pairs">Output pairs compared (those with equal element counts).</param>
/// <param name="Elements">Elements compared, excluding <paramref name="NanMismatches"/>.</param>
/// <param name="MaxAbsDiff">Largest |primary − shadow| over <paramref name="Elements"/>; 0 when none.</param>
/// <param name="MeanAbsDiff">Mean |primary − shadow| over <paramref name="Elements"/>; 0 when none.</param>
/// <param name="Rows">Rows whose argmax was compared: rows of the pairs that were <c>[rows, classes ≥ 2]</c>.</param>
/// <param name="AgreeingRows">Of <paramref name="Rows"/>, those where both sides' argmax is the same class.</param>
/// <param name="ShapeMismatches">Pairs skipped because the two outputs had different element counts.</param>
/// <param name="NanMismatches">Elements that were NaN on exactly one side (NaN on both counts as equal).</param>
public sealed record OutputDivergenceSnapshot(
    long Pairs,
    long Elements,
    double MaxAbsDiff,
    double MeanAbsDiff,
    long Rows,
    long AgreeingRows,
    long ShapeMismatches,
    long NanMismatches)
{
    /// <summary><see cref="AgreeingRows"/> / <see cref="Rows"/>; null when no pair was class-like.</summary>
    public double? ArgmaxAgreement => Rows == 0 ? null : (double)AgreeingRows / Rows;
}
