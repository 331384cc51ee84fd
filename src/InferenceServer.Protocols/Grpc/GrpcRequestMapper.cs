using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Google.Protobuf;
using Inference;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Memory;
using InferenceServer.Core.Models;
using InferenceServer.Core.SharedMemory;
using InferenceServer.Core.Tensors;
using DataType = InferenceServer.Core.Tensors.DataType;

namespace InferenceServer.Protocols.Grpc;

/// <summary>
/// Maps a <see cref="ModelInferRequest"/> onto an <see cref="InferenceRequest"/> the way Triton does
/// (brief §3.4): inputs in order; an input with typed <c>contents</c> uses them, any other input takes
/// the next <c>raw_input_contents</c> entry. Raw entries are used in place (no copy); typed contents
/// are packed into a pinned buffer sized from the validated shape. A tensor naming a shared-memory region is bound to it
/// (<see cref="SharedMemoryTensors"/>) and takes no raw entry.
/// </summary>
internal static class GrpcRequestMapper
{
    /// <param name="sharedMemory">The regions tensors may name (none when null).</param>
    public static InferenceError Map(ModelVersion model, ModelInferRequest message, InferenceRequest request, PinnedBufferPool pool, SharedMemoryRegistry? sharedMemory = null)
    {
        request.Id = message.Id;
        var hasParameters = message.Parameters.Count > 0;
        if (hasParameters)
        {
            foreach (var key in message.Parameters.Keys)
            {
                if (key.StartsWith("triton_", StringComparison.Ordinal) && key != "triton_enable_empty_final_response")
                {
                    return InferenceError.InvalidArgument($"parameter '{key}' is reserved: names starting with 'triton_' cannot be used in requests");
                }
            }
        }

        if (hasParameters && message.Parameters.TryGetValue("priority", out var priority))
        {
            if (!TryGetUnsigned(priority, out var value))
            {
                return InferenceError.InvalidArgument("parameter 'priority' must be an int64_param (>= 0) or uint64_param");
            }

            request.Priority = value;
        }

        if (hasParameters && message.Parameters.TryGetValue("timeout", out var timeout))
        {
            if (!TryGetUnsigned(timeout, out var value))
            {
                return InferenceError.InvalidArgument("parameter 'timeout' must be an int64_param (>= 0, microseconds) or uint64_param");
            }

            request.TimeoutMicroseconds = value;
        }

        if (hasParameters)
        {
            var sequenceError = GrpcSequenceParameters.Read(message.Parameters, request);
            if (sequenceError.IsError)
            {
                return sequenceError;
            }
        }

        var raw = message.RawInputContents;
        var rawIndex = 0;
        foreach (var tensor in message.Inputs)
        {
            if (raw.Count > 0 && tensor.Contents is not null)
            {
                return InferenceError.InvalidArgument(
                    $"input '{tensor.Name}' has typed contents while the request uses raw_input_contents; a request must use one or the other");
            }

            var error = GrpcTensorParameters.ReadSharedMemory(tensor.Parameters, "input", tensor.Name, out var shm);
            if (error.IsError)
            {
                return error;
            }

            if (!DataTypes.TryParse(tensor.Datatype, out var dataType))
            {
                return InferenceError.InvalidArgument($"input '{tensor.Name}' has an invalid datatype '{tensor.Datatype}'");
            }

            var shape = default(TensorShape);
            var dims = tensor.Shape;
            for (var d = 0; d < dims.Count; d++)
            {
                var dim = dims[d];
                if (dim < 0)
                {
                    return InferenceError.InvalidArgument($"input '{tensor.Name}' has a negative dimension in its shape");
                }

                if (!shape.TryAppend(dim))
                {
                    return InferenceError.InvalidArgument($"input '{tensor.Name}' has more than {TensorShape.MaxRank} dimensions");
                }
            }

            var spec = model.Signature.FindInput(tensor.Name);
            if (shm is { } reference)
            {
                error = tensor.Contents is not null
                    ? SharedMemoryTensors.InputWithData(tensor.Name)
                    : SharedMemoryTensors.BindInput(sharedMemory ?? SharedMemoryRegistry.Disabled, model, request, spec, tensor.Name, dataType, shape, reference);
                if (error.IsError)
                {
                    return error;
                }

                continue;
            }

            error = RequestValidator.BindInput(model, request, spec, tensor.Name, dataType, shape, out var input);
            if (error.IsError)
            {
                return error;
            }

            var expectedBytes = input.ExpectedByteSize;
            if (tensor.Contents is not null)
            {
                error = PackContents(tensor.Name, dataType, shape.ElementCount, expectedBytes, tensor.Contents, pool, out var buffer);
                if (error.IsError)
                {
                    return error;
                }

                request.Own(buffer!);
                InferenceRequest.SetInputData(input, buffer!.Memory);
                continue;
            }

            if (rawIndex == raw.Count)
            {
                return InferenceError.InvalidArgument(
                    $"input '{tensor.Name}' has no data: it has no contents and raw_input_contents has only {raw.Count} entries");
            }

            InferenceRequest.SetInputData(input, raw[rawIndex++].Memory);
        }

        if (rawIndex != raw.Count)
        {
            return InferenceError.InvalidArgument(
                $"raw_input_contents has {raw.Count} entries but only {rawIndex} inputs take raw data");
        }

        foreach (var output in message.Outputs)
        {
            var error = GrpcTensorParameters.ReadClassCount(output.Parameters, output.Name, out var classes);
            if (!error.IsError)
            {
                error = GrpcTensorParameters.ReadSharedMemory(output.Parameters, "output", output.Name, out var shm);
                var requested = request.AddRequestedOutput(output.Name, binary: true);
                requested.ClassCount = classes;
                if (!error.IsError && shm is { } reference)
                {
                    error = SharedMemoryTensors.BindOutput(sharedMemory ?? SharedMemoryRegistry.Disabled, request, requested, reference);
                }
            }

            if (error.IsError)
            {
                return error;
            }
        }

        return InferenceError.None;
    }

    private static InferenceError PackContents(string name, DataType type, long elements, long expectedBytes, InferTensorContents contents, PinnedBufferPool pool, out PinnedBuffer? buffer)
    {
        buffer = null;
        long given = type switch
        {
            DataType.Bool => contents.BoolContents.Count,
            DataType.Int8 or DataType.Int16 or DataType.Int32 => contents.IntContents.Count,
            DataType.Int64 => contents.Int64Contents.Count,
            DataType.UInt8 or DataType.UInt16 or DataType.UInt32 => contents.UintContents.Count,
            DataType.UInt64 => contents.Uint64Contents.Count,
            DataType.Fp32 => contents.Fp32Contents.Count,
            DataType.Fp64 => contents.Fp64Contents.Count,
            DataType.Bytes => contents.BytesContents.Count,
            _ => -1,
        };
        if (given < 0)
        {
            return InferenceError.InvalidArgument($"input '{name}' has datatype {type.ToProtocolString()}, which has no typed contents field; send it in raw_input_contents");
        }

        if (given != elements)
        {
            return InferenceError.InvalidArgument($"input '{name}' has {given} values in contents but its shape has {elements} elements");
        }

        if (type == DataType.Bytes)
        {
            long total = 0;
            foreach (var element in contents.BytesContents)
            {
                total += BytesTensor.PrefixSize + element.Length;
            }

            if (total > Array.MaxLength)
            {
                return new InferenceError(InferenceErrorCode.PayloadTooLarge, $"input '{name}' is larger than the per-tensor limit");
            }

            buffer = pool.Rent((int)total);
            var destination = buffer.Span;
            foreach (var element in contents.BytesContents)
            {
                destination = destination[BytesTensor.WriteElement(destination, element.Span)..];
            }

            return InferenceError.None;
        }

        buffer = pool.Rent((int)expectedBytes);
        var span = buffer.Span;
        var count = (int)elements;
        switch (type)
        {
            case DataType.Bool:
                for (var i = 0; i < count; i++)
                {
                    span[i] = contents.BoolContents[i] ? (byte)1 : (byte)0;
                }

                break;
            case DataType.Int8:
                for (var i = 0; i < count; i++)
                {
                    span[i] = (byte)(sbyte)contents.IntContents[i];
                }

                break;
            case DataType.Int16:
                for (var i = 0; i < count; i++)
                {
                    BinaryPrimitives.WriteInt16LittleEndian(span[(i * 2)..], (short)contents.IntContents[i]);
                }

                break;
            case DataType.UInt8:
                for (var i = 0; i < count; i++)
                {
                    span[i] = (byte)contents.UintContents[i];
                }

                break;
            case DataType.UInt16:
                for (var i = 0; i < count; i++)
                {
                    BinaryPrimitives.WriteUInt16LittleEndian(span[(i * 2)..], (ushort)contents.UintContents[i]);
                }

                break;
            case DataType.Int32:
                Copy(contents.IntContents, span);
                break;
            case DataType.UInt32:
                Copy(contents.UintContents, span);
                break;
            case DataType.Int64:
                Copy(contents.Int64Contents, span);
                break;
            case DataType.UInt64:
                Copy(contents.Uint64Contents, span);
                break;
            case DataType.Fp32:
                Copy(contents.Fp32Contents, span);
                break;
            case DataType.Fp64:
                Copy(contents.Fp64Contents, span);
                break;
        }

        return InferenceError.None;
    }

    private static void Copy<T>(Google.Protobuf.Collections.RepeatedField<T> values, Span<byte> destination)
        where T : unmanaged
    {
        var typed = MemoryMarshal.Cast<byte, T>(destination);
        for (var i = 0; i < values.Count; i++)
        {
            typed[i] = values[i];
        }
    }

    /// <summary>Raw bytes of an output for <c>raw_output_contents</c> (the protobuf message needs its own copy).</summary>
    public static ByteString ToByteString(ReadOnlySpan<byte> data) => ByteString.CopyFrom(data);

    private static bool TryGetUnsigned(InferParameter parameter, out ulong value)
    {
        switch (parameter.ParameterChoiceCase)
        {
            case InferParameter.ParameterChoiceOneofCase.Int64Param when parameter.Int64Param >= 0:
                value = (ulong)parameter.Int64Param;
                return true;
            case InferParameter.ParameterChoiceOneofCase.Uint64Param:
                value = parameter.Uint64Param;
                return true;
            default:
                value = 0;
                return false;
        }
    }
}
