using System.Numerics;

namespace InferenceServer.Core.Traffic;

/// <summary>
/// Accumulates how one output tensor of a shadow version differs from the primary's, pair after pair:
/// max and mean absolute difference per element and, for classifier-shaped outputs <c>[rows, classes]</c>,
/// the share of rows where both pick the same class. Fed by the shadow worker, off the request path; each
/// <see cref="Add{T}"/> computes its pair's numbers without the lock and holds it only to fold them in, so
/// concurrent workers and <see cref="Snapshot"/> readers wait for a few additions at most.
/// </summary>
public sealed class OutputDivergence
{
    private readonly Lock _lock = new();
    private long _pairs;
    private long _elements;
    private double _maxAbsDiff;
    private double _sumAbsDiff;
    private long _rows;
    private long _agreeingRows;
    private long _shapeMismatches;
    private long _nanMismatches;

    /// <summary>
    /// Compares one pair of outputs (same tensor, same request). Outputs of different lengths count as a shape
    /// mismatch and are otherwise skipped. When <paramref name="rows"/> ≥ 1 divides the length into
    /// classes ≥ 2 per row, each row's argmax (the first maximum on ties, NaN ignored) is compared too; pass
    /// 0 for an output that is not class-like. Elements are compared as doubles.
    /// </summary>
    public void Add<T>(ReadOnlySpan<T> primary, ReadOnlySpan<T> shadow, int rows)
        where T : INumberBase<T>
    {
        if (primary.Length != shadow.Length)
        {
            lock (_lock)
            {
                _shapeMismatches++;
            }

            return;
        }

        long elements = 0, nanMismatches = 0;
        double max = 0, sum = 0;
        for (var i = 0; i < primary.Length; i++)
        {
            var a = double.CreateTruncating(primary[i]);
            var b = double.CreateTruncating(shadow[i]);
            // Equals (not ==) so NaN matches NaN, and equal infinities differ by 0 rather than NaN.
            if (a.Equals(b))
            {
                elements++;
                continue;
            }

            if (double.IsNaN(a) || double.IsNaN(b))
            {
                nanMismatches++;
                continue;
            }

            var diff = Math.Abs(a - b);
            elements++;
            sum += diff;
            max = Math.Max(max, diff);
        }

        long comparedRows = 0, agreeing = 0;
        if (rows >= 1 && primary.Length % rows == 0 && primary.Length / rows >= 2)
        {
            var classes = primary.Length / rows;
            comparedRows = rows;
            for (var row = 0; row < rows; row++)
            {
                var start = row * classes;
                if (ArgMax(primary.Slice(start, classes)) == ArgMax(shadow.Slice(start, classes)))
                {
                    agreeing++;
                }
            }
        }

        lock (_lock)
        {
            _pairs++;
            _elements += elements;
            _sumAbsDiff += sum;
            _maxAbsDiff = Math.Max(_maxAbsDiff, max);
            _rows += comparedRows;
            _agreeingRows += agreeing;
            _nanMismatches += nanMismatches;
        }
    }

    public OutputDivergenceSnapshot Snapshot()
    {
        lock (_lock)
        {
            return new OutputDivergenceSnapshot(
                _pairs,
                _elements,
                _maxAbsDiff,
                _elements == 0 ? 0 : _sumAbsDiff / _elements,
                _rows,
                _agreeingRows,
                _shapeMismatches,
                _nanMismatches);
        }
    }

    // The index of the first largest non-NaN value; -1 when every value is NaN (so two all-NaN rows agree).
    private static int ArgMax<T>(ReadOnlySpan<T> row)
        where T : INumberBase<T>
    {
        var best = -1;
        var bestValue = double.NegativeInfinity;
        for (var i = 0; i < row.Length; i++)
        {
            var value = double.CreateTruncating(row[i]);
            if (!double.IsNaN(value) && (best < 0 || value > bestValue))
            {
                best = i;
                bestValue = value;
            }
        }

        return best;
    }
}
