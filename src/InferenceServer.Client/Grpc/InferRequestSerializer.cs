using System.Buffers;
using Google.Protobuf;
using Grpc.Core;
using Inference;

namespace InferenceServer.Client.Grpc;

/// <summary>
/// Writes a ModelInferRequest without building one around the tensor bytes:
/// <code>
/// | ModelInferRequest fields 1-6 (model, version, id, parameters, inputs, outputs) | 0x3A len bytes (raw_input_contents #0) | 0x3A len bytes | ..
/// </code>
/// The first part is the request's cached header message; each input's bytes go from the request's memory into the
/// call's buffer writer (one copy, the one the transport needs anyway). Protobuf readers accept fields in any order.
/// </summary>
internal static class InferRequestSerializer
{
    // raw_input_contents = 7, wire type 2 (length-delimited).
    private const byte RawInputTag = (7 << 3) | 2;

    public static void Serialize(InferRequest request, SerializationContext context)
    {
        var header = request.GrpcHeader ??= BuildHeader(request).ToByteArray();
        long total = header.Length;
        foreach (var input in request.Inputs)
        {
            total += 1 + CodedOutputStream.ComputeLengthSize(input.Data.Length) + input.Data.Length;
        }

        if (total > int.MaxValue)
        {
            throw new InvalidOperationException($"the request's message would be {total} bytes, past gRPC's 2 GiB limit");
        }

        context.SetPayloadLength((int)total);
        var writer = context.GetBufferWriter();
        writer.Write(header);
        foreach (var input in request.Inputs)
        {
            var prefix = writer.GetSpan(6);
            prefix[0] = RawInputTag;
            var length = 1 + WriteVarint(prefix[1..], (uint)input.Data.Length);
            writer.Advance(length);
            writer.Write(input.Data.Span);
        }

        context.Complete();
    }

    /// <summary>The request's fields other than its tensor bytes (fields 1 to 6).</summary>
    internal static ModelInferRequest BuildHeader(InferRequest request)
    {
        var message = new ModelInferRequest { ModelName = request.ModelName, ModelVersion = request.ModelVersion, Id = request.Id };
        foreach (var parameter in request.Parameters)
        {
            message.Parameters[parameter.Name] = parameter.StringValue is { } text ? new InferParameter { StringParam = text }
                : parameter.BoolValue is { } flag ? new InferParameter { BoolParam = flag }
                : new InferParameter { Int64Param = parameter.Int64Value };
        }

        if (request.RoutingKey is { } routingKey)
        {
            message.Parameters["routing_key"] = new InferParameter { StringParam = routingKey };
        }

        foreach (var input in request.Inputs)
        {
            var tensor = new ModelInferRequest.Types.InferInputTensor { Name = input.Name, Datatype = input.DataType };
            tensor.Shape.Add(input.Shape);
            message.Inputs.Add(tensor);
        }

        foreach (var output in request.RequestedOutputs)
        {
            message.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = output });
        }

        return message;
    }

    private static int WriteVarint(Span<byte> destination, uint value)
    {
        var i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[i++] = (byte)value;
        return i;
    }
}
