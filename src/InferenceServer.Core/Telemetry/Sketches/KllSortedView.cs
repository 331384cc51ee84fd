namespace InferenceServer.Core.Telemetry.Sketches;

/// <summary>
/// A <see cref="KllSketch"/>'s retained items in ascending order with the cumulative weight through
/// each one: the sketch's estimated CDF as a step function that jumps only at the items.
/// </summary>
internal readonly ref struct KllSortedView
{
    public KllSortedView(ReadOnlySpan<double> items, ReadOnlySpan<long> cumulativeWeights)
    {
        Items = items;
        CumulativeWeights = cumulativeWeights;
    }

    public ReadOnlySpan<double> Items { get; }

    public ReadOnlySpan<long> CumulativeWeights { get; }

    public int Length => Items.Length;

    /// <summary>Total weight of the items ≤ <paramref name="value"/>.</summary>
    public long WeightAtOrBelow(double value)
    {
        // First item above the value; the weight through the one before it.
        var low = 0;
        var high = Items.Length;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (Items[middle] <= value)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low == 0 ? 0 : CumulativeWeights[low - 1];
    }
}
