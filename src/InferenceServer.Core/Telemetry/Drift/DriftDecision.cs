namespace InferenceServer.Core.Telemetry.Drift;

/// <summary>Which statistic decides a feature's distribution level (config parameter <c>drift_decision</c>).</summary>
public enum DriftDecision
{
    /// <summary>
    /// Normalised Wasserstein-1 at or over its thresholds, counted only when the KS p-value is under
    /// <see cref="DriftThresholds.Significance"/>: an effect large enough to matter that chance does not explain.
    /// </summary>
    Wasserstein = 0,

    /// <summary>PSI at or over its thresholds (the credit-risk convention; over-reads small windows).</summary>
    Psi = 1,
}
