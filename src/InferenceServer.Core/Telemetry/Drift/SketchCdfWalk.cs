using InferenceServer.Core.Telemetry.Sketches;

namespace InferenceServer.Core.Telemetry.Drift;

/// <summary>
/// Walks two sketches' CDFs together, one step point at a time in ascending order: each retained item of either
/// sketch, with both CDFs' values just after it. Both CDFs are step functions that jump only at retained items, so
/// statistics over the whole line (KS's supremum, Wasserstein's integral) need only these points.
/// </summary>
internal ref struct SketchCdfWalk
{
    private readonly KllSortedView _a;
    private readonly KllSortedView _b;
    private readonly double _aTotal;
    private readonly double _bTotal;
    private int _i;
    private int _j;

    public SketchCdfWalk(KllSketch a, KllSketch b)
    {
        _a = a.GetSortedView();
        _b = b.GetSortedView();
        _aTotal = a.Count;
        _bTotal = b.Count;
    }

    /// <summary>The next step point <paramref name="x"/> and F_a(x), F_b(x); false once both sketches are walked.</summary>
    public bool MoveNext(out double x, out double fa, out double fb)
    {
        if (_i >= _a.Length && _j >= _b.Length)
        {
            x = fa = fb = 0;
            return false;
        }

        // Next step point of either CDF; move both past every item at or below it.
        x = _j >= _b.Length || (_i < _a.Length && _a.Items[_i] <= _b.Items[_j]) ? _a.Items[_i] : _b.Items[_j];
        while (_i < _a.Length && _a.Items[_i] <= x)
        {
            _i++;
        }

        while (_j < _b.Length && _b.Items[_j] <= x)
        {
            _j++;
        }

        fa = _i == 0 ? 0 : _a.CumulativeWeights[_i - 1] / _aTotal;
        fb = _j == 0 ? 0 : _b.CumulativeWeights[_j - 1] / _bTotal;
        return true;
    }
}
