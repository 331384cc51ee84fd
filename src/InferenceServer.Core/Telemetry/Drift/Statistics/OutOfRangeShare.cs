namespace InferenceServer.Core.Telemetry.Drift;

public static partial class DriftStatistics
{
    /// <summary>
    /// Share of the current finite values outside the reference's [min, max]: values the model never saw in
    /// training (a unit change, a new code). Exact at 0 when the current extremes lie inside the range, else
    /// within the current sketch's rank error.
    /// </summary>
    public static readonly DriftStatistic OutOfRangeShare = Register(
        "out_of_range_share",
        "Share of a feature's current finite values outside the reference's range",
        static c =>
        {
            if (!c.HasDistribution)
            {
                return double.NaN;
            }

            var reference = c.Reference.Sketch;
            var below = c.Current.Min < reference.Min ? c.Current.Rank(Math.BitDecrement(reference.Min)) : 0;
            var above = c.Current.Max > reference.Max ? 1 - c.Current.Rank(reference.Max) : 0;
            return Math.Clamp(below + above, 0, 1);
        });
}
