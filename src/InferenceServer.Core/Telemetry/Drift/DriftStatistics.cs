namespace InferenceServer.Core.Telemetry.Drift;

/// <summary>
/// The registry of drift statistics. Each statistic is declared in its own file under <c>Drift/Statistics</c>
/// as a field of this partial class that calls <see cref="Register"/>; <see cref="All"/> lists them in
/// registration order.
/// </summary>
public static partial class DriftStatistics
{
    // No initialisers on these two: the statistics' field initialisers (in other files of this partial class)
    // may run before any initialiser here would, so the list is created by the first registration.
    private static List<DriftStatistic>? _registered;
    private static DriftStatistic[]? _all;

    /// <summary>Every statistic, in <see cref="DriftStatistic.Ordinal"/> order.</summary>
    public static IReadOnlyList<DriftStatistic> All => _all ??= [.. _registered!];

    private static DriftStatistic Register(string name, string help, Func<DriftComparison, double> compute)
    {
        var registered = _registered ??= [];
        var statistic = new DriftStatistic(registered.Count, name, help, compute);
        registered.Add(statistic);
        return statistic;
    }
}
