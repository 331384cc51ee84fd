namespace InferenceServer.Core.Telemetry.Drift;

public static partial class DriftStatistics
{
    /// <summary>
    /// Share of a categorical feature's current values in categories the reference never held (a new code, a
    /// renamed label), less the reference's own share outside its counters; NaN for a numeric feature. A signal of
    /// its own: a few percent of new categories barely move the distribution's distance but mean the model is
    /// guessing on them.
    /// </summary>
    public static readonly DriftStatistic UnseenShare = Register(
        "unseen_share",
        "Share of a categorical feature's current values in categories the version's reference does not hold",
        static c => c.Categories?.UnseenShare ?? double.NaN);
}
