using System.Buffers;
using System.Buffers.Binary;
using Inference;
using InferenceServer.Client.Tensors;

namespace InferenceServer.Client.Grpc;

/// <summary>
/// A gRPC output sent as typed <c>InferTensorContents</c> (rather than raw bytes) converted to wire bytes: each
/// value narrowed to the output's datatype, little-endian; BYTES length-prefixed. FP16 and BF16 have no typed field.
/// </summary>
internal static class TypedContents
{
    public static void WriteRaw(string dataType, InferTensorContents? contents, IBufferWriter<byte> output)
    {
        if (contents is null)
        {
            return;
        }

        switch (dataType)
        {
            case TensorDataType.Bool:
                foreach (var v in contents.BoolContents) { Put(output, 1, s => s[0] = v ? (byte)1 : (byte)0); }
                break;
            case TensorDataType.UInt8:
                foreach (var v in contents.UintContents) { Put(output, 1, s => s[0] = (byte)v); }
                break;
            case TensorDataType.UInt16:
                foreach (var v in contents.UintContents) { Put(output, 2, s => BinaryPrimitives.WriteUInt16LittleEndian(s, (ushort)v)); }
                break;
            case TensorDataType.UInt32:
                foreach (var v in contents.UintContents) { Put(output, 4, s => BinaryPrimitives.WriteUInt32LittleEndian(s, v)); }
                break;
            case TensorDataType.UInt64:
                foreach (var v in contents.Uint64Contents) { Put(output, 8, s => BinaryPrimitives.WriteUInt64LittleEndian(s, v)); }
                break;
            case TensorDataType.Int8:
                foreach (var v in contents.IntContents) { Put(output, 1, s => s[0] = (byte)(sbyte)v); }
                break;
            case TensorDataType.Int16:
                foreach (var v in contents.IntContents) { Put(output, 2, s => BinaryPrimitives.WriteInt16LittleEndian(s, (short)v)); }
                break;
            case TensorDataType.Int32:
                foreach (var v in contents.IntContents) { Put(output, 4, s => BinaryPrimitives.WriteInt32LittleEndian(s, v)); }
                break;
            case TensorDataType.Int64:
                foreach (var v in contents.Int64Contents) { Put(output, 8, s => BinaryPrimitives.WriteInt64LittleEndian(s, v)); }
                break;
            case TensorDataType.Fp32:
                foreach (var v in contents.Fp32Contents) { Put(output, 4, s => BinaryPrimitives.WriteSingleLittleEndian(s, v)); }
                break;
            case TensorDataType.Fp64:
                foreach (var v in contents.Fp64Contents) { Put(output, 8, s => BinaryPrimitives.WriteDoubleLittleEndian(s, v)); }
                break;
            case TensorDataType.Bytes:
                foreach (var v in contents.BytesContents)
                {
                    var span = output.GetSpan(4 + v.Length);
                    BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)v.Length);
                    v.Span.CopyTo(span[4..]);
                    output.Advance(4 + v.Length);
                }

                break;
            default:
                throw new InvalidDataException($"a {dataType} output cannot come as typed contents");
        }
    }

    private static void Put(IBufferWriter<byte> output, int size, SpanAction write)
    {
        write(output.GetSpan(size));
        output.Advance(size);
    }

    private delegate void SpanAction(Span<byte> destination);
}
