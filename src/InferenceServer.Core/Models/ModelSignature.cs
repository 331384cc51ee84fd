using System.Text;

namespace InferenceServer.Core.Models;

/// <summary>The inputs, outputs and batching limit a request is validated against.</summary>
public sealed class ModelSignature
{
    public ModelSignature(int maxBatchSize, IReadOnlyList<TensorSpec> inputs, IReadOnlyList<TensorSpec> outputs)
        : this(maxBatchSize, inputs, outputs, null)
    {
    }

    internal ModelSignature(int maxBatchSize, IReadOnlyList<TensorSpec> inputs, IReadOnlyList<TensorSpec> outputs, Scheduling.Sequences.SequenceTensors? sequence)
    {
        MaxBatchSize = maxBatchSize;
        Inputs = inputs;
        Outputs = outputs;
        RequiredInputCount = inputs.Count(i => !i.Optional);
        Sequence = sequence;
        ServerInputs = sequence is null ? [] : [.. sequence.Inputs];
        StateOutputs = sequence is null ? [] : [.. sequence.States.Select(s => s.Output)];
    }

    /// <summary>0: the model does not batch; otherwise the largest first dimension a request may carry.</summary>
    public int MaxBatchSize { get; }

    public bool Batches => MaxBatchSize > 0;

    public IReadOnlyList<TensorSpec> Inputs { get; }

    public IReadOnlyList<TensorSpec> Outputs { get; }

    public int RequiredInputCount { get; }

    /// <summary>
    /// Model inputs the server feeds itself (a sequence model's controls and implicit state): never sent by a client nor
    /// listed in metadata, but part of every execution.
    /// </summary>
    public IReadOnlyList<TensorSpec> ServerInputs { get; }

    /// <summary>Model outputs the server reads for itself (implicit state), computed on every execution; one may also be a configured output.</summary>
    public IReadOnlyList<TensorSpec> StateOutputs { get; }

    /// <summary>A sequence model's control and state tensors (<c>sequence_batching</c>); null for other models.</summary>
    internal Scheduling.Sequences.SequenceTensors? Sequence { get; }

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
