namespace InferenceServer.Core.Telemetry.Profiles;

/// <summary>
/// One feature sketch per feature of each profiled tensor (same order as the layouts), and the predicted-class
/// counts of class-score outputs (<see cref="PredictedClasses"/>; empty for other tensors).
/// </summary>
public sealed class TensorSketches
{
    public TensorSketches(IReadOnlyList<TensorLayout> layouts)
    {
        Tensors = layouts.Select(l => Enumerable.Range(0, l.FeatureCount).Select(_ => new FeatureSketch()).ToArray()).ToArray();
        ClassCounts = layouts.Select(l => PredictedClasses.Applies(l) ? new long[l.FeatureCount] : []).ToArray();
    }

    public FeatureSketch[][] Tensors { get; }

    public long[][] ClassCounts { get; }

    public void Merge(TensorSketches other)
    {
        for (var t = 0; t < Tensors.Length; t++)
        {
            for (var f = 0; f < Tensors[t].Length; f++)
            {
                Tensors[t][f].Merge(other.Tensors[t][f]);
            }

            for (var c = 0; c < ClassCounts[t].Length; c++)
            {
                ClassCounts[t][c] += other.ClassCounts[t][c];
            }
        }
    }

    public void Clear()
    {
        foreach (var tensor in Tensors)
        {
            foreach (var feature in tensor)
            {
                feature.Clear();
            }
        }

        foreach (var counts in ClassCounts)
        {
            Array.Clear(counts);
        }
    }
}
