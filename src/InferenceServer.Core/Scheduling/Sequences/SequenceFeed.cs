using System.Buffers.Binary;
using System.Text;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Models;
using InferenceServer.Core.Tensors;
using ControlKind = Inference.ModelSequenceBatching.Types.Control.Types.Kind;

namespace InferenceServer.Core.Scheduling.Sequences;

/// <summary>
/// Gives a sequence request the inputs the server feeds (after the client's, one row each): the control flags as the
/// config's false/true values (START on the sequence's first request, END on its last, READY always: a batch holds only
/// ready requests), the correlation id in the CORRID input's type, and each implicit state, its initial value on the
/// first request; and after the run takes each state output back into the sequence, and the server's tensors out of the
/// request, so the front end sees only what the client sent and asked for. No allocation per request: the flags point
/// at the config's values, the id and the states at the sequence's own arrays (one request of a sequence runs at a time).
/// </summary>
internal sealed class SequenceFeed
{
    private static readonly TensorShape BatchedControlShape = TensorShape.Create([1, 1]);
    private static readonly TensorShape ControlShape = TensorShape.Create([1]);

    private readonly string _modelName;
    private readonly SequenceTensors _tensors;
    private readonly bool _batches;

    public SequenceFeed(string modelName, ModelSignature signature)
    {
        _modelName = modelName;
        _tensors = signature.Sequence!;
        _batches = signature.Batches;
    }

    /// <summary>
    /// Why a request may not carry <paramref name="id"/> (a string for a numeric CORRID or a number for a string one, or a
    /// number the CORRID's type cannot hold), and, when <paramref name="materialize"/>, the id as the model's CORRID input
    /// takes it (empty when it has none).
    /// </summary>
    public InferenceError CorrelationIdValue(SequenceId id, bool materialize, out byte[] value)
    {
        value = [];
        var control = _tensors.CorrelationId;
        if (control is null)
        {
            return InferenceError.None;
        }

        var type = control.Spec.DataType;
        if (id.IsString != (type == DataType.Bytes))
        {
            return InferenceError.InvalidArgument(
                $"sequence_id {id} for model '{_modelName}' is {(id.IsString ? "a string" : "an integer")}, but the model's CONTROL_SEQUENCE_CORRID input " +
                $"'{control.Spec.Name}' is {type.ToConfigString()}: send {(type == DataType.Bytes ? "a string" : "an unsigned integer")} sequence_id");
        }

        var number = id.Number;
        switch (type)
        {
            case DataType.Bytes:
                if (materialize)
                {
                    var text = Encoding.UTF8.GetBytes(id.Text!);
                    value = new byte[4 + text.Length];
                    BinaryPrimitives.WriteUInt32LittleEndian(value, (uint)text.Length);
                    text.CopyTo(value, 4);
                }

                return InferenceError.None;
            case DataType.UInt64 or DataType.Int64 when type == DataType.UInt64 || number <= long.MaxValue:
                if (materialize)
                {
                    value = new byte[8];
                    BinaryPrimitives.WriteUInt64LittleEndian(value, number);
                }

                return InferenceError.None;
            case DataType.UInt32 or DataType.Int32 when number <= (type == DataType.UInt32 ? uint.MaxValue : int.MaxValue):
                if (materialize)
                {
                    value = new byte[4];
                    BinaryPrimitives.WriteUInt32LittleEndian(value, (uint)number);
                }

                return InferenceError.None;
            default:
                return InferenceError.InvalidArgument(
                    $"sequence_id {id} for model '{_modelName}' does not fit the model's CONTROL_SEQUENCE_CORRID input '{control.Spec.Name}' of {type.ToConfigString()}");
        }
    }

    /// <summary>Adds the server's inputs to <paramref name="request"/>, whose turn it is in <paramref name="sequence"/>; returns the client's input count.</summary>
    public int Attach(Sequence sequence, InferenceRequest request)
    {
        var clientInputs = request.Inputs.Length;
        var controlShape = _batches ? BatchedControlShape : ControlShape;
        foreach (var control in _tensors.Controls)
        {
            var value = control.Kind switch
            {
                ControlKind.ControlSequenceStart => request.SequenceStart ? control.TrueValue : control.FalseValue,
                ControlKind.ControlSequenceEnd => request.SequenceEnd ? control.TrueValue : control.FalseValue,
                ControlKind.ControlSequenceReady => control.TrueValue,
                _ => sequence.CorrelationId,
            };
            InferenceRequest.SetInputData(request.AddInput(control.Spec.Name, control.Spec.DataType, controlShape, control.Spec), value);
        }

        var states = _tensors.States;
        for (var i = 0; i < states.Count; i++)
        {
            var state = states[i];
            if (request.SequenceStart || sequence.States[i] is null)
            {
                sequence.States[i] = (byte[])state.InitialValue.Clone();
                sequence.StateDimensions[i] = state.InitialDimensions;
            }

            var shape = default(TensorShape);
            if (_batches)
            {
                shape.TryAppend(1);
            }

            foreach (var d in sequence.StateDimensions[i])
            {
                shape.TryAppend(d);
            }

            InferenceRequest.SetInputData(request.AddInput(state.Input.Name, state.Input.DataType, shape, state.Input), sequence.States[i]);
        }

        return clientInputs;
    }

    /// <summary>
    /// After the run: each state output becomes the sequence's state (when the run succeeded), and leaves the answer unless
    /// the client may and did ask for it; the server's inputs leave the request.
    /// </summary>
    public void Detach(Sequence sequence, InferenceRequest request, int clientInputCount)
    {
        var states = _tensors.States;
        for (var i = 0; !request.Error.IsError && i < states.Count; i++)
        {
            var state = states[i];
            var output = Find(request, state.Output);
            if (output is null)
            {
                continue;
            }

            var data = output.Data.Span;
            if (sequence.States[i].Length != data.Length)
            {
                sequence.States[i] = new byte[data.Length];
            }

            data.CopyTo(sequence.States[i]);
            var dims = output.Shape.Dimensions[(_batches ? 1 : 0)..];
            if (!dims.SequenceEqual(sequence.StateDimensions[i]))
            {
                sequence.StateDimensions[i] = dims.ToArray();
            }

            if (!(state.OutputIsConfigured && ClientAsksFor(request, state.Output)))
            {
                request.RemoveOutput(output);
            }
        }

        request.RemoveInputsFrom(clientInputCount);
    }

    private static bool ClientAsksFor(InferenceRequest request, TensorSpec spec)
    {
        var requested = request.RequestedOutputs;
        if (requested.Length == 0)
        {
            return true;
        }

        foreach (var output in requested)
        {
            if (output.Spec!.Name == spec.Name)
            {
                return true;
            }
        }

        return false;
    }

    // By name: the backend's signature and the version's are read from the same config but are different objects.
    private static InferenceOutput? Find(InferenceRequest request, TensorSpec spec)
    {
        foreach (var output in request.Outputs)
        {
            if (output.Spec.Name == spec.Name)
            {
                return output;
            }
        }

        return null;
    }
}
