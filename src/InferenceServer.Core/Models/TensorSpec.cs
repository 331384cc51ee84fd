using InferenceServer.Core.Tensors;

namespace InferenceServer.Core.Models;

/// <summary>
/// One input or output of a model as its configuration states it. <see cref="Dimensions"/> exclude the
/// batch dimension when the model batches; -1 is a dimension of any size.
/// </summary>
public sealed class TensorSpec
{
    public TensorSpec(string name, DataType dataType, long[] dimensions, int index, long[]? reshape = null, bool optional = false)
    {
        Name = name;
        NameUtf8 = System.Text.Encoding.UTF8.GetBytes(name);
        DataType = dataType;
        Dimensions = dimensions;
        Index = index;
        Reshape = reshape;
        Optional = optional;
    }

    public string Name { get; }

    /// <summary>The name in UTF-8, so parsers match names without decoding them.</summary>
    public byte[] NameUtf8 { get; }

    public DataType DataType { get; }

    /// <summary>Configured dimensions without the batch dimension.</summary>
    public long[] Dimensions { get; }

    /// <summary>The shape the model itself sees when the config reshapes the tensor (without batch), else null.</summary>
    public long[]? Reshape { get; }

    /// <summary>Position among the model's inputs (or outputs).</summary>
    public int Index { get; }

    /// <summary>The input may be omitted from a request.</summary>
    public bool Optional { get; }

    /// <summary>
    /// An output's class labels, one per class index, from its <c>label_filename</c> in the model folder (read at load,
    /// before the version is published); null when the config names none.
    /// </summary>
    public IReadOnlyList<string>? Labels { get; internal set; }

    /// <summary>True when every configured dimension is fixed.</summary>
    public bool HasFixedDimensions => Array.TrueForAll(Dimensions, d => d >= 0);
}
