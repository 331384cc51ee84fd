namespace InferenceServer.Core.Telemetry.Drift;

/// <summary>The value of every <see cref="DriftStatistics.All"/> statistic for one comparison of a feature with its reference.</summary>
public sealed class DriftScore
{
    private readonly double[] _values;

    private DriftScore(double[] values) => _values = values;

    /// <summary>The statistic's value (NaN: nothing it could measure).</summary>
    public double this[DriftStatistic statistic] => _values[statistic.Ordinal];

    /// <summary>Values in <see cref="DriftStatistics.All"/> order.</summary>
    public ReadOnlySpan<double> Values => _values;

    /// <summary>Computes every registered statistic.</summary>
    public static DriftScore Compute(DriftComparison comparison)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        var all = DriftStatistics.All;
        var values = new double[all.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = all[i].Compute(comparison);
        }

        return new DriftScore(values);
    }

    /// <summary>A score with the given values, in <see cref="DriftStatistics.All"/> order (tests and tools).</summary>
    public static DriftScore FromValues(params double[] values)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(values.Length, DriftStatistics.All.Count, nameof(values));
        return new DriftScore(values);
    }
}
