namespace InferenceServer.Core.Execution;

/// <summary>
/// Reusable <c>long[]</c> shapes for a runtime's native API (which copies them when a tensor is created), one
/// per tensor slot and rank, so a steady stream of executions allocates no shape arrays.
/// </summary>
internal sealed class ShapeArrays
{
    private readonly Dictionary<(int Slot, int Rank), long[]> _arrays = [];

    /// <summary>The dims as an array; with <paramref name="rows"/> ≥ 0 the first dim is replaced by it (or prepended).</summary>
    public long[] Get(int slot, ReadOnlySpan<long> dims, long rows = -1, bool prependBatch = false)
    {
        var rank = dims.Length + (prependBatch ? 1 : 0);
        if (!_arrays.TryGetValue((slot, rank), out var array))
        {
            array = new long[rank];
            _arrays[(slot, rank)] = array;
        }

        if (prependBatch)
        {
            array[0] = rows;
            dims.CopyTo(array.AsSpan(1));
        }
        else
        {
            dims.CopyTo(array);
            if (rows >= 0 && rank > 0)
            {
                array[0] = rows;
            }
        }

        return array;
    }
}
