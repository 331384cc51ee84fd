using InferenceServer.Core.Telemetry.Sketches;

namespace InferenceServer.Core.Tests.Telemetry.Sketches;

public class DDSketchCollapsingTests
{
    [Fact]
    public void Add_RangeWiderThanBinBound_KeepsCountsAndLargeMagnitudesAccurate()
    {
        // 40 decades at α = 1 % need ~4,600 bins per sign; 64 keep the top 64 bins (a factor γ^64 ≈ 3.6)
        // exact, and the rest collapse into the lowest kept bin.
        var sketch = new DDSketch(0.01, 64);
        var values = new List<double>();
        var random = new Random(14);
        for (var i = 0; i < 20_000; i++)
        {
            var value = Math.Pow(10, (random.NextDouble() * 40) - 20) * (random.Next(2) == 0 ? -1 : 1);
            values.Add(value);
            sketch.Add(value);
        }

        values.Sort();
        Assert.Equal(values.Count, sketch.Count);
        Assert.True(sketch.AllocatedBinBytes <= 2 * 64 * sizeof(long));
        foreach (var q in new[] { 0.0, 0.001, 0.999, 1.0 })
        {
            var exact = values[(int)Math.Floor(q * (values.Count - 1))];
            Assert.True(Math.Abs(sketch.Quantile(q) - exact) <= 0.01 * Math.Abs(exact) * (1 + 1e-12), $"q={q}");
        }

        // Near the middle the magnitudes are tiny and collapsed: the answer is off by far more than α.
        var middle = values[(int)Math.Floor(0.5 * (values.Count - 1))];
        Assert.True(Math.Abs(sketch.Quantile(0.5)) > 10 * Math.Abs(middle));
    }
}
