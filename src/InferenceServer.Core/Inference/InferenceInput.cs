using InferenceServer.Core.Models;
using InferenceServer.Core.Tensors;

namespace InferenceServer.Core.Inference;

/// <summary>
/// One input tensor of a request. <see cref="Data"/> points into memory the request owns (a slice of
/// the pinned request body, a pinned buffer the JSON parser filled, or a gRPC message's bytes);
/// BYTES tensors are in the length-prefixed form of <see cref="BytesTensor"/>.
/// </summary>
public sealed class InferenceInput
{
    public string Name { get; internal set; } = "";

    public DataType DataType { get; internal set; }

    public TensorShape Shape;

    public ReadOnlyMemory<byte> Data { get; internal set; }

    /// <summary>The model tensor this input binds to (set by validation).</summary>
    public TensorSpec? Spec { get; internal set; }

    /// <summary>
    /// Set when a codec bound the input through <see cref="RequestValidator.BindInput"/>: its name, datatype and shape
    /// were checked then, so the request's validation does not check them again.
    /// </summary>
    internal bool HeaderChecked { get; set; }

    /// <summary>The byte size the data must have, known once the header is checked (-1 for BYTES, whose data states its own).</summary>
    public long ExpectedByteSize { get; internal set; }

    internal void Reset()
    {
        Name = "";
        DataType = DataType.Invalid;
        Shape = default;
        Data = default;
        Spec = null;
        HeaderChecked = false;
        ExpectedByteSize = 0;
    }
}
