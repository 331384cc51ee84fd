using System.Numerics;

namespace InferenceServer.Core.Scheduling;

/// <summary>
/// A model version's execution time as a line, <c>run(rows) = fixed + perRow × rows</c>, fitted from the
/// executions it has seen: one running average per power-of-two band of batch sizes, and the line through the
/// two largest bands seen. <see cref="FixedTicks"/> is what one execution costs whatever its size,
/// the part a bigger batch saves; while only one band has been seen, its run time stands in for it (an upper
/// bound: a batch cannot save more than a whole execution). Bands keep their average until they see another execution, so a stream of
/// full batches does not erase what smaller ones measured. Not thread-safe: the scheduler calls it under its lock.
/// </summary>
internal sealed class ExecutionCostModel
{
    // Weight of a new execution in its band's average: recent enough to follow a changing machine, smooth enough to ignore one slow run.
    private const double NewWeight = 1.0 / 8;

    private readonly double[] _rows = new double[64];
    private readonly double[] _ticks = new double[64];
    private ulong _seenBands;

    /// <summary>The fixed cost of one execution in clock ticks; 0 before any execution (unknown).</summary>
    public double FixedTicks { get; private set; }

    /// <summary>The cost of one more row in clock ticks; 0 until two bands have been seen (unknown).</summary>
    public double PerRowTicks { get; private set; }

    public void Record(long rows, long ticks)
    {
        if (rows < 1 || ticks < 0)
        {
            return;
        }

        var band = BitOperations.Log2((ulong)rows);
        if ((_seenBands & (1UL << band)) == 0)
        {
            _seenBands |= 1UL << band;
            _rows[band] = rows;
            _ticks[band] = ticks;
        }
        else
        {
            _rows[band] += (rows - _rows[band]) * NewWeight;
            _ticks[band] += (ticks - _ticks[band]) * NewWeight;
        }

        (FixedTicks, PerRowTicks) = Fit();
    }

    private (double Fixed, double PerRow) Fit()
    {
        // The line through the two largest bands seen: under load those are the batches that run, and small
        // batches mostly run after idle spells, on caches other work has cooled, which would read as fixed cost.
        var high = 63 - BitOperations.LeadingZeroCount(_seenBands);
        var below = _seenBands & ~(1UL << high);
        if (below == 0)
        {
            return (_ticks[high], 0);
        }

        var low = 63 - BitOperations.LeadingZeroCount(below);

        var perRow = Math.Max(0, (_ticks[high] - _ticks[low]) / (_rows[high] - _rows[low]));
        return (Math.Clamp(_ticks[low] - (perRow * _rows[low]), 0, _ticks[low]), perRow);
    }
}
