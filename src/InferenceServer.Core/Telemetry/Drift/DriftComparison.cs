using InferenceServer.Core.Telemetry.Profiles;
using InferenceServer.Core.Telemetry.Sketches;

namespace InferenceServer.Core.Telemetry.Drift;

/// <summary>
/// What every <see cref="DriftStatistic"/> is computed from: one feature's reference and its current values
/// (the finite ones in a KLL sketch, the count of NaN and ±infinity beside them; for a categorical feature the
/// category counts too). Work shared by several statistics (the current shares of the reference's bins, the KS
/// statistic, the category comparison) is done once here.
/// </summary>
public sealed class DriftComparison
{
    private readonly double[] _currentShares;
    private double _kolmogorovSmirnov = double.NaN;

    public DriftComparison(ReferenceFeature reference, KllSketch current, RunningMoments currentMoments)
        : this(reference, current, currentMoments, currentCategories: null)
    {
    }

    /// <param name="currentCategories">
    /// The current category counts of a categorical feature (<see cref="CategoricalFeatures"/>), null for a numeric one:
    /// with the reference's counts they give the categorical statistics.
    /// </param>
    public DriftComparison(ReferenceFeature reference, KllSketch current, RunningMoments currentMoments, FrequentItems? currentCategories)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(current);
        Reference = reference;
        Current = current;
        CurrentMoments = currentMoments;
        if (reference.Bins is { } bins && !current.IsEmpty)
        {
            _currentShares = new double[bins.Count];
            bins.ComputeProportions(current, _currentShares);
        }
        else
        {
            _currentShares = [];
        }

        if (currentCategories is { IsEmpty: false } && reference.Categories is { IsEmpty: false } referenceCategories)
        {
            Categories = new CategoryComparison(referenceCategories, currentCategories);
        }
    }

    /// <summary>The category comparison of a categorical feature whose two sides hold categories; null otherwise.</summary>
    public CategoryComparison? Categories { get; }

    public ReferenceFeature Reference { get; }

    /// <summary>The current finite values.</summary>
    public KllSketch Current { get; }

    /// <summary>The current values' moments, NaN and ±infinity counts included.</summary>
    public RunningMoments CurrentMoments { get; }

    /// <summary>Both sides hold finite values, so distribution statistics can be computed.</summary>
    public bool HasDistribution => _currentShares.Length > 0;

    /// <summary>The current values' share of each of the reference's bins (empty unless <see cref="HasDistribution"/>).</summary>
    public ReadOnlySpan<double> CurrentShares => _currentShares;

    /// <summary>Every current value offered, finite or not.</summary>
    public long CurrentValues => CurrentMoments.Count + CurrentMoments.NaNCount + CurrentMoments.InfinityCount;

    /// <summary>The two-sample KS statistic of the sketches (NaN unless <see cref="HasDistribution"/>), computed once.</summary>
    public double KolmogorovSmirnov
    {
        get
        {
            if (double.IsNaN(_kolmogorovSmirnov) && HasDistribution)
            {
                _kolmogorovSmirnov = DriftScores.KolmogorovSmirnov(Reference.Sketch, Current);
            }

            return _kolmogorovSmirnov;
        }
    }
}
