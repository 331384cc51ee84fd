namespace InferenceServer.Core.Telemetry.Drift;

/// <summary>
/// Distances between a reference and a current distribution (<see cref="DriftScores.Compute(QuantileBins, Sketches.KllSketch, Sketches.KllSketch)"/>).
/// All three are NaN when there is no current data.
/// </summary>
/// <param name="Psi">Population stability index over the reference's quantile bins: 0 for identical
/// bins, under 0.1 usually read as stable, 0.2 and over as a significant shift. Unbounded above.</param>
/// <param name="JensenShannon">Jensen–Shannon distance (square root of the base-2 divergence) over the
/// same bins: 0 for identical bins, 1 for bins with no overlap.</param>
/// <param name="KolmogorovSmirnov">Largest gap between the two CDFs, in [0, 1], from the full sketches
/// rather than the bins.</param>
public readonly record struct DriftScore(double Psi, double JensenShannon, double KolmogorovSmirnov);
