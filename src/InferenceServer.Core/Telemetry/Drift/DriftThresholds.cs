namespace InferenceServer.Core.Telemetry.Drift;

/// <summary>PSI thresholds that turn a <see cref="DriftScore"/> into a <see cref="DriftLevel"/>.</summary>
/// <remarks>
/// The defaults are the conventional PSI reading from credit-risk model monitoring: under 0.1 no
/// significant change, 0.1 to 0.2 a moderate shift, 0.2 and over a significant one.
/// </remarks>
public sealed record DriftThresholds
{
    /// <summary>The conventional thresholds (warning 0.1, drift 0.2).</summary>
    public static DriftThresholds Default { get; } = new();

    /// <summary>PSI at or above which a feature is in <see cref="DriftLevel.Warning"/>. Default 0.1.</summary>
    public double PsiWarning { get; init; } = 0.1;

    /// <summary>PSI at or above which a feature is in <see cref="DriftLevel.Drift"/>. Default 0.2.</summary>
    public double PsiDrift { get; init; } = 0.2;

    /// <summary>The level of a score; a NaN PSI (no current data) is <see cref="DriftLevel.None"/>.</summary>
    public DriftLevel Classify(DriftScore score) =>
        score.Psi >= PsiDrift ? DriftLevel.Drift
        : score.Psi >= PsiWarning ? DriftLevel.Warning
        : DriftLevel.None;
}
