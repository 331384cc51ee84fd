using InferenceServer.Core.Telemetry.Drift;
using InferenceServer.Core.Telemetry.Profiles;
using InferenceServer.Core.Telemetry.Sketches;

namespace InferenceServer.Core.Tests.Telemetry.Drift;

/// <summary>Seeded sketches and moments of sample values, and the drift score of one against another.</summary>
internal static class DriftTestSketches
{
    public static KllSketch Sketch(double[] values, int seed)
    {
        var sketch = new KllSketch(200, new Random(seed));
        foreach (var value in values)
        {
            if (double.IsFinite(value))
            {
                sketch.Add(value);
            }
        }

        return sketch;
    }

    public static RunningMoments Moments(double[] values)
    {
        var moments = default(RunningMoments);
        foreach (var value in values)
        {
            moments.Add(value);
        }

        return moments;
    }

    public static ReferenceFeature Reference(double[] values, int seed)
    {
        var moments = Moments(values);
        return ReferenceFeature.Create(Sketch(values, seed), moments.StandardDeviation, moments.NaNCount + moments.InfinityCount);
    }

    public static DriftScore Score(double[] reference, double[] current, int seed) =>
        Score(Reference(reference, seed), current, seed + 1);

    public static DriftScore Score(ReferenceFeature reference, double[] current, int seed) =>
        DriftScore.Compute(new DriftComparison(reference, Sketch(current, seed), Moments(current)));

    public static double[] Normal(int size, int seed, double shift)
    {
        var random = new Random(seed);
        var values = new double[size];
        for (var i = 0; i < size; i++)
        {
            values[i] = TestDistributions.NextNormal(random) + shift;
        }

        return values;
    }
}
