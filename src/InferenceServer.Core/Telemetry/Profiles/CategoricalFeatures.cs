using InferenceServer.Core.Telemetry.Sketches;

namespace InferenceServer.Core.Telemetry.Profiles;

/// <summary>
/// Which features drift judges by category shares rather than by quantiles: every text (BYTES) and BOOL feature, and
/// an integer feature whose reference holds at most <see cref="ProfileOptions.CategoricalMaxDistinct"/> distinct
/// values, all counted exactly (a code, a flag, a small enumeration; a count or an id with many values stays numeric).
/// </summary>
public static class CategoricalFeatures
{
    public static bool IsCategorical(TensorLayout layout, ReferenceFeature reference, int maxDistinct)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(reference);
        return layout.AlwaysCategorical
            || (layout.CountsCategories && reference.Categories is { IsEmpty: false } categories && IsFewDistinct(categories, maxDistinct));
    }

    private static bool IsFewDistinct(FrequentItems categories, int maxDistinct) =>
        categories.IsExact && categories.Distinct <= maxDistinct;
}
