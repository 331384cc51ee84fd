namespace InferenceServer.Core.Telemetry.Drift;

public static partial class DriftStatistics
{
    /// <summary>Share of the current values that are NaN or ±infinity (missing or invalid); NaN when there are none at all.</summary>
    public static readonly DriftStatistic InvalidShare = Register(
        "invalid_share",
        "Share of a feature's current values that are NaN or infinite",
        static c => c.CurrentValues == 0 ? double.NaN : (double)(c.CurrentMoments.NaNCount + c.CurrentMoments.InfinityCount) / c.CurrentValues);
}
