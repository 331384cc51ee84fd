using Inference;
using InferenceServer.Core.Models;

namespace InferenceServer.Core.Scheduling.Sequences;

/// <summary>
/// One control tensor the sequence batcher feeds the model (<c>control_input</c>): a flag (START, END, READY) as the
/// config's false/true values of its type, or the correlation id (CORRID) in the config's <c>data_type</c>. Its shape is
/// <c>[1]</c> per request (<c>[1, 1]</c> with the batch dimension), as in Triton.
/// </summary>
internal sealed class SequenceControl
{
    public SequenceControl(ModelSequenceBatching.Types.Control.Types.Kind kind, TensorSpec spec, byte[] falseValue, byte[] trueValue)
    {
        Kind = kind;
        Spec = spec;
        FalseValue = falseValue;
        TrueValue = trueValue;
    }

    public ModelSequenceBatching.Types.Control.Types.Kind Kind { get; }

    /// <summary>The model input it feeds (not one a client may send).</summary>
    public TensorSpec Spec { get; }

    /// <summary>The element for "false" (a flag; empty for CORRID).</summary>
    public byte[] FalseValue { get; }

    /// <summary>The element for "true" (a flag; empty for CORRID).</summary>
    public byte[] TrueValue { get; }

    public bool IsCorrelationId => Kind == ModelSequenceBatching.Types.Control.Types.Kind.ControlSequenceCorrid;
}
