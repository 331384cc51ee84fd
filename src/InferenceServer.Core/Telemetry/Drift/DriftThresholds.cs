namespace InferenceServer.Core.Telemetry.Drift;

/// <summary>Thresholds that turn a <see cref="DriftScore"/> into a <see cref="DriftLevel"/>.</summary>
/// <remarks>
/// <para>
/// A feature's level is the higher of two checks. Its distribution: by default the normalised Wasserstein
/// distance (warning 0.1, drift 0.2 reference standard deviations), counted only when the KS p-value is
/// under 0.001. The distance is an effect size, so millions of rows do not turn a negligible shift into an
/// alert (a 0.01σ shift scores about 0.01 plus the sketches' resolution, 0.02–0.04σ at k = 200, whatever the
/// count); the p-value gate keeps the sampling noise of a small window (about 0.7σ/√n in Wasserstein) from
/// alerting on its own, while a real 0.5σ shift is significant from a few dozen rows. 0.1 is Evidently's
/// Wasserstein threshold; here it warns, and twice it is drift. The p-value bound is 0.001 rather than
/// the usual 0.05 or 0.01 because every feature is tested at once and at every read: with 50 features it is a
/// Bonferroni 5 % for the whole model, where 0.01 lets about one same-distribution feature in a hundred warn
/// whenever the window is small enough for its Wasserstein noise to reach the warning level. PSI (0.1 / 0.2) remains available with <c>drift_decision: psi</c>.
/// </para>
/// <para>
/// Its missing values: the share of NaN/±infinity values over the reference's, warning at 0.01 and drift at
/// 0.05 (one and five points), so a column that turns to NaN upstream alerts whatever its finite values do.
/// </para>
/// <para>
/// A categorical feature's distribution: the Jensen–Shannon distance between category shares (warning 0.1, drift
/// 0.2; NannyML's categorical default is 0.1), counted only when the χ² test's p-value is under the same 0.001, for
/// the same reasons as above: χ² alone flags every tiny change at millions of rows, the distance alone the noise of a
/// small window. Its unseen categories: the share of values in categories the reference lacks, warning at 0.01 and
/// drift at 0.05, like missing values, since a model scores a category it never saw as best it can, silently.
/// </para>
/// </remarks>
public sealed record DriftThresholds
{
    /// <summary>The defaults described above.</summary>
    public static DriftThresholds Default { get; } = new();

    public DriftDecision Decision { get; init; } = DriftDecision.Wasserstein;

    /// <summary>Normalised Wasserstein distance at or above which a feature is in <see cref="DriftLevel.Warning"/>. Default 0.1.</summary>
    public double WassersteinWarning { get; init; } = 0.1;

    /// <summary>Normalised Wasserstein distance at or above which a feature is in <see cref="DriftLevel.Drift"/>. Default 0.2.</summary>
    public double WassersteinDrift { get; init; } = 0.2;

    /// <summary>The KS p-value under which a Wasserstein distance counts. Default 0.001.</summary>
    public double Significance { get; init; } = 0.001;

    /// <summary>PSI at or above which a feature is in <see cref="DriftLevel.Warning"/> when PSI decides. Default 0.1.</summary>
    public double PsiWarning { get; init; } = 0.1;

    /// <summary>PSI at or above which a feature is in <see cref="DriftLevel.Drift"/> when PSI decides. Default 0.2.</summary>
    public double PsiDrift { get; init; } = 0.2;

    /// <summary>Rise in the share of NaN/±infinity values at or above which a feature is in <see cref="DriftLevel.Warning"/>. Default 0.01.</summary>
    public double InvalidWarning { get; init; } = 0.01;

    /// <summary>Rise in the share of NaN/±infinity values at or above which a feature is in <see cref="DriftLevel.Drift"/>. Default 0.05.</summary>
    public double InvalidDrift { get; init; } = 0.05;

    /// <summary>A categorical feature's Jensen–Shannon distance at or above which it is in <see cref="DriftLevel.Warning"/>. Default 0.1.</summary>
    public double JensenShannonWarning { get; init; } = 0.1;

    /// <summary>A categorical feature's Jensen–Shannon distance at or above which it is in <see cref="DriftLevel.Drift"/>. Default 0.2.</summary>
    public double JensenShannonDrift { get; init; } = 0.2;

    /// <summary>Share of values in categories the reference lacks at or above which a feature is in <see cref="DriftLevel.Warning"/>. Default 0.01.</summary>
    public double UnseenWarning { get; init; } = 0.01;

    /// <summary>Share of values in categories the reference lacks at or above which a feature is in <see cref="DriftLevel.Drift"/>. Default 0.05.</summary>
    public double UnseenDrift { get; init; } = 0.05;

    /// <summary>
    /// The highest of the distribution's, the missing values' and (categorical features) the unseen categories'
    /// levels; NaN statistics (nothing to compare) count as none. A score with a χ² p-value is a categorical
    /// feature's, judged by category shares whatever <see cref="Decision"/> says.
    /// </summary>
    public DriftLevel Classify(DriftScore score)
    {
        ArgumentNullException.ThrowIfNull(score);
        var distribution = double.IsNaN(score[DriftStatistics.ChiSquarePValue]) ? NumericDistribution(score) : CategoricalDistribution(score);
        var missing = Level(score[DriftStatistics.InvalidShareIncrease], InvalidWarning, InvalidDrift);
        var unseen = Level(score[DriftStatistics.UnseenShare], UnseenWarning, UnseenDrift);
        return (DriftLevel)Math.Max(Math.Max((int)distribution, (int)missing), (int)unseen);
    }

    private DriftLevel NumericDistribution(DriftScore score) =>
        Decision == DriftDecision.Psi ? Level(score[DriftStatistics.Psi], PsiWarning, PsiDrift)
        : score[DriftStatistics.KolmogorovSmirnovPValue] < Significance ? Level(score[DriftStatistics.Wasserstein], WassersteinWarning, WassersteinDrift)
        : DriftLevel.None;

    private DriftLevel CategoricalDistribution(DriftScore score) =>
        score[DriftStatistics.ChiSquarePValue] < Significance
            ? Level(score[DriftStatistics.JensenShannon], JensenShannonWarning, JensenShannonDrift)
            : DriftLevel.None;

    private static DriftLevel Level(double value, double warning, double drift) =>
        value >= drift ? DriftLevel.Drift : value >= warning ? DriftLevel.Warning : DriftLevel.None;
}
