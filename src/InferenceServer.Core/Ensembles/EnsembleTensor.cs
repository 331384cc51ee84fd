using InferenceServer.Core.Inference;
using InferenceServer.Core.Tensors;

namespace InferenceServer.Core.Ensembles;

/// <summary>
/// One ensemble tensor during a run: where its bytes are (the ensemble request's input, or the step request's output
/// that wrote it, in pooled memory until the run ends) and what they are.
/// </summary>
internal struct EnsembleTensor
{
    public DataType DataType;

    public TensorShape Shape;

    public ReadOnlyMemory<byte> Data;

    /// <summary>The step output holding the bytes; null for an ensemble input.</summary>
    public InferenceOutput? Output;
}
