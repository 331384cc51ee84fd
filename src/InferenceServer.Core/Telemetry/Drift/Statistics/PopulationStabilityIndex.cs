namespace InferenceServer.Core.Telemetry.Drift;

public static partial class DriftStatistics
{
    /// <summary>
    /// PSI = Σ (a − e) · ln(a / e) over the reference's decile bins, shares floored at
    /// <see cref="DriftScores.PsiProportionFloor"/>. The credit-risk convention (0.1 moderate, 0.2 significant);
    /// it grows by about (bins − 1)/n on pure sampling noise, so it over-reads small windows.
    /// </summary>
    public static readonly DriftStatistic Psi = Register(
        "psi",
        "Population stability index of a feature against the version's reference (decile bins)",
        static c => c.HasDistribution ? DriftScores.PopulationStabilityIndex(c.Reference.Bins!.ReferenceProportions, c.CurrentShares) : double.NaN);
}
