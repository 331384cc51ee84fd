using System.Buffers.Binary;
using Inference;
using InferenceServer.Core.Models;
using InferenceServer.Core.Tensors;
using ControlKind = Inference.ModelSequenceBatching.Types.Control.Types.Kind;
using DataType = InferenceServer.Core.Tensors.DataType;

namespace InferenceServer.Core.Scheduling.Sequences;

/// <summary>
/// The tensors a sequence model exchanges with the server rather than with its clients, read from
/// <c>sequence_batching</c>: the control inputs (<c>control_input</c>) and the implicit states (<c>state</c>). Neither
/// is a configured input: clients never send them and metadata does not list them, as in Triton. A config the server
/// cannot honour fails the load with the field named.
/// </summary>
internal sealed class SequenceTensors
{
    /// <summary>The most bytes one implicit state may hold per sequence (64 MiB): each live sequence holds its own.</summary>
    public const int MaxStateBytes = 64 << 20;

    private static readonly DataType[] CorrelationIdTypes = [DataType.UInt64, DataType.Int64, DataType.UInt32, DataType.Int32, DataType.Bytes];

    private SequenceTensors(IReadOnlyList<SequenceControl> controls, IReadOnlyList<SequenceStateTensor> states)
    {
        Controls = controls;
        States = states;
        CorrelationId = controls.FirstOrDefault(c => c.IsCorrelationId);
    }

    public IReadOnlyList<SequenceControl> Controls { get; }

    public IReadOnlyList<SequenceStateTensor> States { get; }

    /// <summary>The CORRID control, when the model takes one: its type decides which ids a request may carry.</summary>
    public SequenceControl? CorrelationId { get; }

    /// <summary>The model inputs the server feeds: controls, then state inputs.</summary>
    public IEnumerable<TensorSpec> Inputs => Controls.Select(c => c.Spec).Concat(States.Select(s => s.Input));

    /// <summary>Reads the sequence tensors; <paramref name="inputs"/> and <paramref name="outputs"/> are the configured ones.</summary>
    /// <exception cref="ModelLoadException">A field the server cannot honour, named.</exception>
    public static SequenceTensors FromConfig(ModelConfig config, IReadOnlyList<TensorSpec> inputs, IReadOnlyList<TensorSpec> outputs)
    {
        var sequence = config.SequenceBatching;
        var names = new HashSet<string>(inputs.Select(i => i.Name), StringComparer.Ordinal);
        var index = inputs.Count;
        var controls = new List<SequenceControl>();
        foreach (var controlInput in sequence.ControlInput)
        {
            var name = controlInput.Name;
            if (string.IsNullOrEmpty(name))
            {
                throw Fail(config, "a sequence_batching.control_input has no name");
            }

            if (!names.Add(name))
            {
                throw Fail(config, $"sequence_batching.control_input '{name}' is also a configured input (or another control or state): the server feeds it, so it must not be listed in input");
            }

            if (controlInput.Control.Count != 1)
            {
                throw Fail(config, $"sequence_batching.control_input '{name}' must have exactly one control, it has {controlInput.Control.Count}");
            }

            var control = controlInput.Control[0];
            if (controls.Any(c => c.Kind == control.Kind))
            {
                throw Fail(config, $"sequence_batching.control_input '{name}': {control.Kind.ToConfigName()} is given by more than one control_input");
            }

            controls.Add(control.Kind == ControlKind.ControlSequenceCorrid
                ? CorrelationIdControl(config, name, control, index++)
                : FlagControl(config, name, control, index++));
        }

        var states = new List<SequenceStateTensor>();
        foreach (var state in sequence.State)
        {
            states.Add(State(config, state, names, outputs, index++));
        }

        return new SequenceTensors(controls, states);
    }

    private static SequenceControl FlagControl(ModelConfig config, string name, ModelSequenceBatching.Types.Control control, int index)
    {
        var kind = control.Kind.ToConfigName();
        var given = (control.Int32FalseTrue.Count > 0 ? 1 : 0) + (control.Fp32FalseTrue.Count > 0 ? 1 : 0) + (control.BoolFalseTrue.Count > 0 ? 1 : 0);
        if (given != 1)
        {
            throw Fail(config, $"sequence_batching.control_input '{name}' ({kind}) must give exactly one of int32_false_true, fp32_false_true or bool_false_true");
        }

        DataType type;
        byte[] falseValue, trueValue;
        if (control.Int32FalseTrue.Count > 0)
        {
            CheckPair(config, name, "int32_false_true", control.Int32FalseTrue.Count);
            type = DataType.Int32;
            falseValue = Int32Bytes(control.Int32FalseTrue[0]);
            trueValue = Int32Bytes(control.Int32FalseTrue[1]);
        }
        else if (control.Fp32FalseTrue.Count > 0)
        {
            CheckPair(config, name, "fp32_false_true", control.Fp32FalseTrue.Count);
            type = DataType.Fp32;
            falseValue = Int32Bytes(BitConverter.SingleToInt32Bits(control.Fp32FalseTrue[0]));
            trueValue = Int32Bytes(BitConverter.SingleToInt32Bits(control.Fp32FalseTrue[1]));
        }
        else
        {
            CheckPair(config, name, "bool_false_true", control.BoolFalseTrue.Count);
            type = DataType.Bool;
            falseValue = [control.BoolFalseTrue[0] ? (byte)1 : (byte)0];
            trueValue = [control.BoolFalseTrue[1] ? (byte)1 : (byte)0];
        }

        return new SequenceControl(control.Kind, new TensorSpec(name, type, [1], index), falseValue, trueValue);
    }

    private static SequenceControl CorrelationIdControl(ModelConfig config, string name, ModelSequenceBatching.Types.Control control, int index)
    {
        var type = (DataType)(int)control.DataType;
        if (Array.IndexOf(CorrelationIdTypes, type) < 0)
        {
            throw Fail(config, $"sequence_batching.control_input '{name}' (CONTROL_SEQUENCE_CORRID) needs data_type TYPE_UINT64, TYPE_INT64, TYPE_UINT32, TYPE_INT32 or TYPE_STRING, got {control.DataType}");
        }

        return new SequenceControl(control.Kind, new TensorSpec(name, type, [1], index), [], []);
    }

    private static SequenceStateTensor State(ModelConfig config, ModelSequenceBatching.Types.State state, HashSet<string> names, IReadOnlyList<TensorSpec> outputs, int index)
    {
        if (string.IsNullOrEmpty(state.InputName) || string.IsNullOrEmpty(state.OutputName))
        {
            throw Fail(config, "a sequence_batching.state needs both input_name and output_name");
        }

        if (!names.Add(state.InputName))
        {
            throw Fail(config, $"sequence_batching.state input_name '{state.InputName}' is also a configured input (or a control or another state): the server feeds it, so it must not be listed in input");
        }

        var type = (DataType)(int)state.DataType;
        if (type is DataType.Invalid or DataType.Bytes || !Enum.IsDefined(type))
        {
            throw Fail(config, $"sequence_batching.state '{state.InputName}' needs a numeric data_type, got {state.DataType}");
        }

        if (state.Dims.Count == 0 || state.Dims.Count + (config.MaxBatchSize > 0 ? 1 : 0) > TensorShape.MaxRank || state.Dims.Any(d => d < -1))
        {
            throw Fail(config, $"sequence_batching.state '{state.InputName}' needs dims: between 1 and {TensorShape.MaxRank} dimensions, each -1 or >= 0");
        }

        if (state.InitialState.Count > 1)
        {
            throw Fail(config, $"sequence_batching.state '{state.InputName}' has {state.InitialState.Count} initial_state entries; one is supported");
        }

        // As Triton: a variable dimension starts at 1, unless the initial state says otherwise.
        long[] initialDims = [.. state.Dims.Select(d => d == -1 ? 1 : d)];
        if (state.InitialState.Count == 1)
        {
            var initial = state.InitialState[0];
            if (initial.StateDataCase == ModelSequenceBatching.Types.InitialState.StateDataOneofCase.DataFile)
            {
                throw Fail(config, $"sequence_batching.state '{state.InputName}': initial_state data_file is not supported by this server yet; use zero_data");
            }

            if (initial.DataType != state.DataType && initial.DataType != global::Inference.DataType.TypeInvalid)
            {
                throw Fail(config, $"sequence_batching.state '{state.InputName}': initial_state data_type {initial.DataType} differs from the state's {state.DataType}");
            }

            if (initial.Dims.Count > 0)
            {
                if (initial.Dims.Count != state.Dims.Count || initial.Dims.Any(d => d < 0)
                    || initial.Dims.Zip(state.Dims).Any(pair => pair.Second != -1 && pair.First != pair.Second))
                {
                    throw Fail(config, $"sequence_batching.state '{state.InputName}': initial_state dims must be fixed and agree with the state's dims");
                }

                initialDims = [.. initial.Dims];
            }
        }

        // Each factor is at most long.MaxValue, so stopping once past the bound keeps the product inside Int128.
        Int128 bytes = type.ElementSize();
        foreach (var d in initialDims)
        {
            bytes *= d;
            if (bytes > MaxStateBytes)
            {
                throw Fail(config, $"sequence_batching.state '{state.InputName}' with dims {TensorShape.Format(initialDims)} would hold more than the {MaxStateBytes} bytes per sequence supported");
            }
        }

        var input = new TensorSpec(state.InputName, type, [.. state.Dims], index);
        var configured = outputs.FirstOrDefault(o => o.Name == state.OutputName);
        if (configured is not null && configured.DataType != type)
        {
            throw Fail(config, $"sequence_batching.state output_name '{state.OutputName}' is a configured output of type {configured.DataType.ToConfigString()}, but the state is {type.ToConfigString()}");
        }

        var output = configured ?? new TensorSpec(state.OutputName, type, [.. state.Dims], outputs.Count + index);
        return new SequenceStateTensor(input, output, configured is not null, initialDims, new byte[(int)bytes]);
    }

    private static void CheckPair(ModelConfig config, string name, string field, int count)
    {
        if (count != 2)
        {
            throw Fail(config, $"sequence_batching.control_input '{name}': {field} must hold exactly two values [false, true], it has {count}");
        }
    }

    private static byte[] Int32Bytes(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        return bytes;
    }

    private static ModelLoadException Fail(ModelConfig config, string reason) => new($"model '{config.Name}': {reason}");
}
