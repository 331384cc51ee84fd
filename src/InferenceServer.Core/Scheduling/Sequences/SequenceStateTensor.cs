using InferenceServer.Core.Models;

namespace InferenceServer.Core.Scheduling.Sequences;

/// <summary>
/// One implicit state (<c>sequence_batching.state</c>): the server feeds <see cref="Input"/> with what
/// <see cref="Output"/> held after the sequence's previous request, and with <see cref="InitialValue"/> (shape
/// <see cref="InitialDimensions"/>, without the batch dimension) on the request that starts it.
/// </summary>
internal sealed class SequenceStateTensor
{
    public SequenceStateTensor(TensorSpec input, TensorSpec output, bool outputIsConfigured, long[] initialDimensions, byte[] initialValue)
    {
        Input = input;
        Output = output;
        OutputIsConfigured = outputIsConfigured;
        InitialDimensions = initialDimensions;
        InitialValue = initialValue;
    }

    public TensorSpec Input { get; }

    public TensorSpec Output { get; }

    /// <summary>The state output is also a configured output, so a client may ask for it (Triton's debugging aid).</summary>
    public bool OutputIsConfigured { get; }

    public long[] InitialDimensions { get; }

    public byte[] InitialValue { get; }
}
