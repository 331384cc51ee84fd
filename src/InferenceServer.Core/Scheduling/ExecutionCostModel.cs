using System.Numerics;

namespace InferenceServer.Core.Scheduling;

/// <summary>
/// A model version's execution time as a line, <c>run(rows) = fixed + perRow × rows</c>, fitted from the
/// executions it has seen: one running average per power-of-two band of batch sizes, and the line through the
/// two largest bands seen in the last <see cref="FreshExecutions"/> executions. <see cref="FixedTicks"/> is what
/// one execution costs whatever its size, the part a bigger batch saves; while only one band has ever been seen,
/// its run time stands in for it (an upper bound: a batch cannot save more than a whole execution). A band not
/// seen for <see cref="FreshExecutions"/> executions no longer counts: the first batches after start-up run on
/// cold caches and come in bursts, and a line read from them would stay wrong for as long as the server runs.
/// While fewer than two bands are fresh (every batch the same size), the last line read from two fresh bands
/// stays. Not thread-safe: the scheduler calls it under its lock.
/// </summary>
internal sealed class ExecutionCostModel
{
    // Weight of a new execution in its band's average: recent enough to follow a changing machine, smooth enough to ignore one slow run.
    private const double NewWeight = 1.0 / 8;

    private readonly double[] _rows = new double[64];
    private readonly double[] _ticks = new double[64];
    private readonly long[] _lastSeen = new long[64];
    private ulong _seenBands;
    private long _executions;
    private bool _fittedFromTwoBands;

    /// <summary>How many executions a band's average counts for after its last execution.</summary>
    public const int FreshExecutions = 256;

    /// <summary>Whether an execution has been measured: until then the costs below are unknown, not zero.</summary>
    public bool Measured => _executions > 0;

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

        _executions++;
        var band = BitOperations.Log2((ulong)rows);
        var stale = (_seenBands & (1UL << band)) == 0 || _executions - _lastSeen[band] >= FreshExecutions;
        _lastSeen[band] = _executions;
        if (stale)
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

        var fresh = FreshBands();
        if (BitOperations.PopCount(fresh) >= 2)
        {
            (FixedTicks, PerRowTicks) = Fit(fresh);
            _fittedFromTwoBands = true;
        }
        else if (!_fittedFromTwoBands)
        {
            FixedTicks = _ticks[band];
        }
    }

    private ulong FreshBands()
    {
        var fresh = 0UL;
        for (var bands = _seenBands; bands != 0; bands &= bands - 1)
        {
            var band = BitOperations.TrailingZeroCount(bands);
            if (_executions - _lastSeen[band] < FreshExecutions)
            {
                fresh |= 1UL << band;
            }
        }

        return fresh;
    }

    private (double Fixed, double PerRow) Fit(ulong bands)
    {
        // The line through the two largest bands: under load those are the batches that run, and small
        // batches mostly run after idle spells, on caches other work has cooled, which would read as fixed cost.
        var high = 63 - BitOperations.LeadingZeroCount(bands);
        var below = bands & ~(1UL << high);
        var low = 63 - BitOperations.LeadingZeroCount(below);

        var perRow = Math.Max(0, (_ticks[high] - _ticks[low]) / (_rows[high] - _rows[low]));
        return (Math.Clamp(_ticks[low] - (perRow * _rows[low]), 0, _ticks[low]), perRow);
    }
}
