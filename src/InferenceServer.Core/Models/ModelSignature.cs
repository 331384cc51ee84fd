using System.Text;

namespace InferenceServer.Core.Models;

/// <summary>The inputs, outputs and batching limit a request is validated against.</summary>
public sealed class ModelSignature
{
    public ModelSignature(int maxBatchSize, IReadOnlyList<TensorSpec> inputs, IReadOnlyList<TensorSpec> outputs)
    {
        MaxBatchSize = maxBatchSize;
        Inputs = inputs;
        Outputs = outputs;
        RequiredInputCount = inputs.Count(i => !i.Optional);
    }

    /// <summary>0: the model does not batch; otherwise the largest first dimension a request may carry.</summary>
    public int MaxBatchSize { get; }

    public bool Batches => MaxBatchSize > 0;

    public IReadOnlyList<TensorSpec> Inputs { get; }

    public IReadOnlyList<TensorSpec> Outputs { get; }

    public int RequiredInputCount { get; }

    public TensorSpec? FindInput(ReadOnlySpan<byte> utf8Name) => Find(Inputs, utf8Name);

    public TensorSpec? FindOutput(ReadOnlySpan<byte> utf8Name) => Find(Outputs, utf8Name);

    public TensorSpec? FindInput(string name) => Find(Inputs, name);

    public TensorSpec? FindOutput(string name) => Find(Outputs, name);

    // Models have a handful of tensors: a linear scan over UTF-8 names beats hashing a decoded string.
    private static TensorSpec? Find(IReadOnlyList<TensorSpec> specs, ReadOnlySpan<byte> utf8Name)
    {
        for (var i = 0; i < specs.Count; i++)
        {
            if (utf8Name.SequenceEqual(specs[i].NameUtf8))
            {
                return specs[i];
            }
        }

        return null;
    }

    private static TensorSpec? Find(IReadOnlyList<TensorSpec> specs, string name)
    {
        for (var i = 0; i < specs.Count; i++)
        {
            if (specs[i].Name == name)
            {
                return specs[i];
            }
        }

        return null;
    }

    /// <summary>The shape a client sees in metadata: <c>[-1] + dims</c> when the model batches.</summary>
    public long[] PublicShape(TensorSpec spec) => Batches ? [-1, .. spec.Dimensions] : spec.Dimensions;

    internal static string FormatNames(IEnumerable<string> names)
    {
        var sb = new StringBuilder("[");
        foreach (var name in names)
        {
            if (sb.Length > 1)
            {
                sb.Append(',');
            }

            sb.Append('\'').Append(name).Append('\'');
        }

        return sb.Append(']').ToString();
    }
}
