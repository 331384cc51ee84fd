namespace InferenceServer.Core.Telemetry.Drift;

public static partial class DriftStatistics
{
    /// <summary>Largest gap between the reference's and the current CDF, in [0, 1], from the full sketches.</summary>
    public static readonly DriftStatistic KolmogorovSmirnov = Register(
        "ks",
        "Kolmogorov-Smirnov statistic of a feature against the version's reference",
        static c => c.KolmogorovSmirnov);
}
