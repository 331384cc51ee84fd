using Google.Protobuf;
using Inference;

namespace InferenceServer.FuzzTargets.Mutations.Grpc;

/// <summary>Applies <see cref="MessageEdit"/>s to a copy of a <c>ModelInferRequest</c>; deterministic, like <see cref="Mutator"/>.</summary>
internal static class MessageEditor
{
    /// <summary>Shape values at the edges of int32, int64, the per-tensor byte limit and the maximum batch.</summary>
    private static readonly long[] Dimensions =
        [-1, 0, 1, 2, 8, 9, 16, 17, 65, int.MaxValue, (long)int.MaxValue + 1, 1L << 31, 1L << 40, 268_435_455, long.MaxValue, long.MinValue];

    private static readonly string[] Datatypes =
        ["BOOL", "UINT8", "UINT16", "UINT32", "UINT64", "INT8", "INT16", "INT32", "INT64", "FP16", "FP32", "FP64", "BYTES", "BF16", "int32", "", "TYPE_FP32"];

    private static readonly string[] Names = ["INPUT0", "INPUT1", "features", "OUTPUT0", "", "input0", "INPUT0\0"];

    private static readonly int[] Counts = [0, 1, 2, 15, 16, 17, 29, 30, 31, 32, 33, 1000];

    public static ModelInferRequest Apply(ModelInferRequest seed, ReadOnlySpan<MessageEdit> edits)
    {
        var message = seed.Clone();
        foreach (var edit in edits)
        {
            Apply(message, edit);
        }

        return message;
    }

    private static T Pick<T>(IReadOnlyList<T> values, uint choice) => values[(int)(choice % (uint)values.Count)];

    private static void Apply(ModelInferRequest message, MessageEdit edit)
    {
        var inputs = message.Inputs;
        var input = inputs.Count == 0 ? null : Pick(inputs, edit.Target);
        switch (edit.Kind)
        {
            case MessageEditKind.SetDimension when input is { Shape.Count: > 0 }:
                input.Shape[(int)(edit.Choice >> 8) % input.Shape.Count] = Pick(Dimensions, edit.Choice);
                break;
            case MessageEditKind.AddDimension when input is not null:
                input.Shape.Add(Pick(Dimensions, edit.Choice));
                break;
            case MessageEditKind.RemoveDimension when input is { Shape.Count: > 0 }:
                input.Shape.RemoveAt(input.Shape.Count - 1);
                break;
            case MessageEditKind.SetDatatype when input is not null:
                input.Datatype = Pick(Datatypes, edit.Choice);
                break;
            case MessageEditKind.SetInputName when input is not null:
                input.Name = Pick(Names, edit.Choice);
                break;
            case MessageEditKind.EditRawContents:
                EditRaw(message.RawInputContents, edit);
                break;
            case MessageEditKind.SetTypedContents when input is not null:
                input.Contents = TypedContents(edit.Choice);
                break;
            case MessageEditKind.EditInputs when input is not null:
                if ((edit.Choice & 1) == 0)
                {
                    inputs.Add(input.Clone());
                }
                else
                {
                    inputs.Remove(input);
                }

                break;
            case MessageEditKind.SetParameter:
                SetParameter(message, edit.Choice);
                break;
            case MessageEditKind.AddOutput:
                var output = new ModelInferRequest.Types.InferRequestedOutputTensor { Name = Pick(Names, edit.Choice) };
                switch ((edit.Choice >> 8) % 3)
                {
                    case 1: output.Parameters.Add("classification", new InferParameter { Int64Param = 1 }); break;
                    case 2: output.Parameters.Add("shared_memory_region", new InferParameter { StringParam = "r" }); break;
                }

                message.Outputs.Add(output);
                break;
        }
    }

    private static void EditRaw(Google.Protobuf.Collections.RepeatedField<ByteString> raw, MessageEdit edit)
    {
        if (raw.Count == 0)
        {
            raw.Add(ByteString.CopyFrom(new byte[Pick(Counts, edit.Choice)]));
            return;
        }

        var index = (int)(edit.Target % (uint)raw.Count);
        var entry = raw[index];
        switch (edit.Choice % 4)
        {
            case 0: raw.RemoveAt(index); break;
            case 1: raw.Add(entry); break;
            case 2: raw[index] = entry.Length == 0 ? entry : ByteString.CopyFrom(entry.Span[..(int)((edit.Choice >> 2) % (uint)entry.Length)]); break;
            default: raw[index] = ByteString.CopyFrom([.. entry.Span, .. new byte[1 + ((edit.Choice >> 2) % 64)]]); break;
        }
    }

    /// <summary>Typed contents in one of the fields, with a boundary count of boundary values.</summary>
    private static InferTensorContents TypedContents(uint choice)
    {
        var count = Pick(Counts, choice >> 4);
        var contents = new InferTensorContents();
        switch (choice % 8)
        {
            case 0: contents.BoolContents.AddRange(Enumerable.Repeat(true, count)); break;
            case 1: contents.IntContents.AddRange(Enumerable.Repeat(int.MinValue, count)); break;
            case 2: contents.Int64Contents.AddRange(Enumerable.Repeat(long.MaxValue, count)); break;
            case 3: contents.UintContents.AddRange(Enumerable.Repeat(uint.MaxValue, count)); break;
            case 4: contents.Uint64Contents.AddRange(Enumerable.Repeat(ulong.MaxValue, count)); break;
            case 5: contents.Fp32Contents.AddRange(Enumerable.Repeat(float.NaN, count)); break;
            case 6: contents.Fp64Contents.AddRange(Enumerable.Repeat(double.PositiveInfinity, count)); break;
            default: contents.BytesContents.AddRange(Enumerable.Repeat(ByteString.CopyFrom(0xFF, 0x00), count)); break;
        }

        return contents;
    }

    private static void SetParameter(ModelInferRequest message, uint choice)
    {
        var (name, value) = (choice % 8) switch
        {
            0 => ("priority", new InferParameter { Int64Param = -1 }),
            1 => ("priority", new InferParameter { Uint64Param = ulong.MaxValue }),
            2 => ("priority", new InferParameter { StringParam = "1" }),
            3 => ("timeout", new InferParameter { Int64Param = long.MinValue }),
            4 => ("timeout", new InferParameter { BoolParam = true }),
            5 => ("triton_reserved", new InferParameter { BoolParam = true }),
            6 => ("shared_memory_region", new InferParameter { StringParam = "r" }),
            _ => ("binary_data_output", new InferParameter { DoubleParam = double.NaN }),
        };
        message.Parameters[name] = value;
    }
}
