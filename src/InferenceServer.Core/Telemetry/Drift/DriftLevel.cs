namespace InferenceServer.Core.Telemetry.Drift;

/// <summary>How far a feature's current distribution has moved from its reference.</summary>
public enum DriftLevel
{
    /// <summary>Below the warning threshold, or no current data to judge.</summary>
    None = 0,

    /// <summary>At or above the warning threshold: a moderate shift worth watching.</summary>
    Warning = 1,

    /// <summary>At or above the drift threshold: a significant shift.</summary>
    Drift = 2,
}
