using InferenceServer.Core.Telemetry.Sketches;

namespace InferenceServer.Core.Telemetry.Drift;

/// <summary>
/// The arithmetic of the drift statistics, on bin shares or on two <see cref="KllSketch"/>es: PSI and the
/// Jensen–Shannon distance over the reference's quantile bins; the Kolmogorov–Smirnov statistic, its
/// p-value and the Wasserstein-1 distance over the full sketches. The statistics themselves (what is
/// exported and judged) are the descriptors in <see cref="DriftStatistics"/>.
/// </summary>
public static class DriftScores
{
    /// <summary>
    /// Floor on each bin's share in PSI. An empty bin would make <c>ln(a/e)</c> infinite; 1e-4 (one
    /// item in ten thousand) keeps a bin that empties contributing about <c>e · ln(e / 1e-4)</c>, large
    /// for a decile (0.1 · ln 1000 ≈ 0.69, well past the drift threshold) but finite.
    /// </summary>
    public const double PsiProportionFloor = 1e-4;

    /// <summary>PSI = Σ (a − e) · ln(a / e), each share floored at <see cref="PsiProportionFloor"/>.</summary>
    public static double PopulationStabilityIndex(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(actual.Length, expected.Length, nameof(actual));
        var psi = 0.0;
        for (var i = 0; i < expected.Length; i++)
        {
            var e = Math.Max(expected[i], PsiProportionFloor);
            var a = Math.Max(actual[i], PsiProportionFloor);
            psi += (a - e) * Math.Log(a / e);
        }

        return psi;
    }

    /// <summary>
    /// Square root of the base-2 Jensen–Shannon divergence, in [0, 1]. Needs no floor: each term is
    /// taken against the midpoint, which is positive wherever either share is, and 0 · log 0 counts as 0.
    /// </summary>
    public static double JensenShannonDistance(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(q.Length, p.Length, nameof(q));
        var divergence = 0.0;
        for (var i = 0; i < p.Length; i++)
        {
            // Rank differences can round a few ulps below zero.
            var pi = Math.Max(p[i], 0);
            var qi = Math.Max(q[i], 0);
            var middle = (pi + qi) / 2;
            if (pi > 0)
            {
                divergence += pi * Math.Log2(pi / middle);
            }

            if (qi > 0)
            {
                divergence += qi * Math.Log2(qi / middle);
            }
        }

        return Math.Sqrt(Math.Clamp(divergence / 2, 0, 1));
    }

    /// <summary>
    /// sup_x |F_ref(x) − F_cur(x)| of the two sketches' CDFs. Both are step functions that jump only at
    /// retained items, so evaluating at every retained item of both (one merge walk over the sorted
    /// views) gives the supremum exactly; it matches the exact two-sample statistic within the
    /// sketches' rank errors.
    /// </summary>
    public static double KolmogorovSmirnov(KllSketch reference, KllSketch current)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(current);
        if (reference.IsEmpty || current.IsEmpty)
        {
            return double.NaN;
        }

        var walk = new SketchCdfWalk(reference, current);
        var largest = 0.0;
        while (walk.MoveNext(out _, out var fa, out var fb))
        {
            largest = Math.Max(largest, Math.Abs(fa - fb));
        }

        return largest;
    }

    /// <summary>
    /// Wasserstein-1 (earth mover's) distance ∫ |F_ref(x) − F_cur(x)| dx of the two sketches' CDFs, in the
    /// feature's units. Both CDFs are step functions, so the integral is a sum over the gaps between
    /// consecutive retained items of either sketch (one merge walk). Against the exact two-sample distance it
    /// is off by at most (ε_ref + ε_cur) · (max − min), ε being each sketch's rank error, and in practice
    /// far less, because rank errors of opposite sign cancel along the integral.
    /// </summary>
    public static double Wasserstein(KllSketch reference, KllSketch current)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(current);
        if (reference.IsEmpty || current.IsEmpty)
        {
            return double.NaN;
        }

        var walk = new SketchCdfWalk(reference, current);
        var distance = 0.0;
        var gap = 0.0;
        var previous = double.NaN;
        while (walk.MoveNext(out var x, out var fa, out var fb))
        {
            if (!double.IsNaN(previous))
            {
                // Between the previous step point and this one both CDFs are flat at their values after it.
                distance += gap * (x - previous);
            }

            gap = Math.Abs(fa - fb);
            previous = x;
        }

        return distance;
    }

    /// <summary>
    /// The asymptotic p-value of a two-sample KS statistic <paramref name="d"/> between samples of
    /// <paramref name="n"/> and <paramref name="m"/> values: Q_KS(λ) = 2 Σ (−1)^(k−1) e^(−2k²λ²) with
    /// λ = (√n_e + 0.12 + 0.11/√n_e) · d and n_e = nm/(n+m) (Stephens' correction, good from n_e ≈ 4).
    /// The chance of a gap at least this large between two samples of one distribution.
    /// </summary>
    public static double KolmogorovSmirnovPValue(double d, long n, long m)
    {
        if (double.IsNaN(d) || n <= 0 || m <= 0)
        {
            return double.NaN;
        }

        var effective = Math.Sqrt((double)n * m / (n + m));
        var lambda = (effective + 0.12 + (0.11 / effective)) * d;
        if (lambda < 0.2)
        {
            // The series converges slowly here and its sum is 1 to within 1e-9.
            return 1;
        }

        var sum = 0.0;
        var sign = 1.0;
        for (var k = 1; k <= 100; k++)
        {
            var term = sign * Math.Exp(-2 * k * k * lambda * lambda);
            sum += term;
            if (Math.Abs(term) <= 1e-12 * Math.Abs(sum))
            {
                break;
            }

            sign = -sign;
        }

        return Math.Clamp(2 * sum, 0, 1);
    }
}
