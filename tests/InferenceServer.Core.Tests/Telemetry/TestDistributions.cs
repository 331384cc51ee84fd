namespace InferenceServer.Core.Tests.Telemetry;

/// <summary>Seeded samples from the distributions the sketch tests sweep, and exact answers from sorted data.</summary>
internal static class TestDistributions
{
    public const string Uniform = "uniform";
    public const string Normal = "normal";
    public const string LogNormal = "log-normal";
    public const string Pareto = "pareto";
    public const string Cauchy = "cauchy";
    public const string MixedSignsAndZeros = "mixed-signs-and-zeros";
    public const string DiscreteTies = "discrete-ties";

    public static readonly string[] All = [Uniform, Normal, LogNormal, Pareto, Cauchy, MixedSignsAndZeros, DiscreteTies];

    public static double[] Sample(string distribution, int size, int seed)
    {
        var random = new Random(seed);
        var values = new double[size];
        for (var i = 0; i < size; i++)
        {
            values[i] = Next(distribution, random);
        }

        return values;
    }

    public static double Next(string distribution, Random random) => distribution switch
    {
        Uniform => random.NextDouble() * 100,
        Normal => NextNormal(random),
        // Spans about six decades, all positive.
        LogNormal => Math.Exp(2 * NextNormal(random)),
        // Shape 1.1: infinite variance, a tail out to ~1e5 times the scale in 200k draws.
        Pareto => 1 / Math.Pow(1 - random.NextDouble(), 1 / 1.1),
        Cauchy => Math.Tan(Math.PI * (random.NextDouble() - 0.5)),
        // A fifth exact zeros, the rest log-normal magnitudes with random signs.
        MixedSignsAndZeros => random.Next(5) == 0 ? 0 : (random.Next(2) == 0 ? -1 : 1) * Math.Exp(3 * NextNormal(random)),
        // Twenty-one integers from -5 to 15 with unequal weights, so quantiles land on long ties.
        DiscreteTies => Math.Round(Math.Clamp(3 * NextNormal(random) + 2, -5, 15)),
        _ => throw new ArgumentOutOfRangeException(nameof(distribution), distribution, null),
    };

    public static double NextNormal(Random random)
    {
        // Box–Muller; 1 − U keeps the logarithm's argument in (0, 1].
        var u1 = 1 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    public static double[] Sorted(double[] values)
    {
        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        return sorted;
    }

    /// <summary>The item at 0-based rank floor(q · (n − 1)) (DDSketch's lower-rank definition).</summary>
    public static double LowerRankQuantile(double[] sorted, double q) => sorted[(int)Math.Floor(q * (sorted.Length - 1))];

    /// <summary>Fraction of the items ≤ <paramref name="value"/>.</summary>
    public static double Rank(double[] sorted, double value)
    {
        var low = 0;
        var high = sorted.Length;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (sorted[middle] <= value)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return (double)low / sorted.Length;
    }

    /// <summary>The exact two-sample Kolmogorov–Smirnov statistic: one merge walk over both sorted samples.</summary>
    public static double KolmogorovSmirnov(double[] sortedA, double[] sortedB)
    {
        int i = 0, j = 0;
        var largest = 0.0;
        while (i < sortedA.Length || j < sortedB.Length)
        {
            var x = j >= sortedB.Length || (i < sortedA.Length && sortedA[i] <= sortedB[j]) ? sortedA[i] : sortedB[j];
            while (i < sortedA.Length && sortedA[i] <= x)
            {
                i++;
            }

            while (j < sortedB.Length && sortedB[j] <= x)
            {
                j++;
            }

            largest = Math.Max(largest, Math.Abs(((double)i / sortedA.Length) - ((double)j / sortedB.Length)));
        }

        return largest;
    }
}
