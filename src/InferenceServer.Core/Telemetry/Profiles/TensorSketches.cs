namespace InferenceServer.Core.Telemetry.Profiles;

/// <summary>One feature sketch per feature of each profiled tensor (same order as the layouts).</summary>
public sealed class TensorSketches
{
    public TensorSketches(IReadOnlyList<TensorLayout> layouts)
    {
        Tensors = layouts.Select(l => Enumerable.Range(0, l.FeatureCount).Select(_ => new FeatureSketch()).ToArray()).ToArray();
    }

    public FeatureSketch[][] Tensors { get; }

    public void Merge(TensorSketches other)
    {
        for (var t = 0; t < Tensors.Length; t++)
        {
            for (var f = 0; f < Tensors[t].Length; f++)
            {
                Tensors[t][f].Merge(other.Tensors[t][f]);
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
    }
}
