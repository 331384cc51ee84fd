namespace InferenceServer.Core.Telemetry.Drift;

public static partial class DriftStatistics
{
    /// <summary>
    /// The missing-value drift score: the current share of NaN/±infinity values minus the reference's. A column
    /// that turns to NaN upstream scores about 1 here even though the finite values left look unchanged.
    /// </summary>
    public static readonly DriftStatistic InvalidShareIncrease = Register(
        "invalid_share_increase",
        "Share of a feature's current values that are NaN or infinite, minus the reference's share",
        static c => c.CurrentValues == 0 ? double.NaN : ((double)(c.CurrentMoments.NaNCount + c.CurrentMoments.InfinityCount) / c.CurrentValues) - c.Reference.InvalidShare);
}
