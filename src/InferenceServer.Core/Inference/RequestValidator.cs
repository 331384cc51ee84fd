using InferenceServer.Core.Models;
using InferenceServer.Core.Tensors;

namespace InferenceServer.Core.Inference;

/// <summary>
/// Checks a request against its model's signature before anything is queued or allocated for it.
/// Messages name the tensor and the model, and follow Triton's wording where clients may match on it.
/// All size arithmetic is overflow-checked.
/// </summary>
public static class RequestValidator
{
    /// <summary>
    /// Checks one input's name, datatype and shape as soon as its header is parsed, and tells how
    /// many bytes its data must have (-1 for BYTES, whose size the data itself states).
    /// </summary>
    public static InferenceError ValidateInputHeader(ModelVersion model, TensorSpec? spec, string name, DataType dataType, in TensorShape shape, out long expectedByteSize)
    {
        expectedByteSize = -1;
        if (spec is null)
        {
            return InferenceError.InvalidArgument($"unexpected inference input '{name}' for model '{model.Name}'");
        }

        if (dataType != spec.DataType)
        {
            return InferenceError.InvalidArgument(
                $"inference input '{name}' data-type is '{dataType.ToProtocolString()}', but model '{model.Name}' expects '{spec.DataType.ToProtocolString()}'");
        }

        var signature = model.Signature;
        var dims = shape.Dimensions;
        var batchOffset = signature.Batches ? 1 : 0;
        if (dims.Length != spec.Dimensions.Length + batchOffset || !DimensionsMatch(dims[batchOffset..], spec.Dimensions) || HasNegative(dims))
        {
            return InferenceError.InvalidArgument(
                $"unexpected shape for input '{name}' for model '{model.Name}'. Expected {TensorShape.Format(signature.PublicShape(spec))}, got {shape}");
        }

        if (signature.Batches && (dims[0] < 1 || dims[0] > signature.MaxBatchSize))
        {
            return InferenceError.InvalidArgument(
                $"inference request batch-size must be <= {signature.MaxBatchSize} (and >= 1) for '{model.Name}', input '{name}' has batch-size {dims[0]}");
        }

        if (!shape.TryGetElementCount(out var elements))
        {
            return InferenceError.InvalidArgument($"element count of input '{name}' for model '{model.Name}' overflows");
        }

        if (dataType != DataType.Bytes)
        {
            var size = (Int128)elements * dataType.ElementSize();
            if (size > Array.MaxLength)
            {
                return new InferenceError(InferenceErrorCode.PayloadTooLarge,
                    $"input '{name}' for model '{model.Name}' would be {size} bytes, above the per-tensor limit of {Array.MaxLength} bytes");
            }

            expectedByteSize = (long)size;
        }

        return InferenceError.None;
    }

    /// <summary>
    /// Checks one input's header (<see cref="ValidateInputHeader"/>) and, when it is valid, adds it to the request marked
    /// as checked: codecs bind inputs through this, so sizes are known before any data buffer is allocated and the
    /// request's validation (<see cref="Validate"/>) does not check the header a second time.
    /// </summary>
    public static InferenceError BindInput(ModelVersion model, InferenceRequest request, TensorSpec? spec, string name, DataType dataType, in TensorShape shape, out InferenceInput input)
    {
        // Unset on failure: the caller answers the error and never touches it.
        input = null!;
        var error = ValidateInputHeader(model, spec, name, dataType, shape, out var expectedBytes);
        if (error.IsError)
        {
            return error;
        }

        input = request.AddInput(spec!.Name, dataType, shape, spec);
        input.HeaderChecked = true;
        input.ExpectedByteSize = expectedBytes;
        return InferenceError.None;
    }

    /// <summary>Validates the whole request (inputs complete and consistent, outputs known) and sets its batch size.</summary>
    public static InferenceError Validate(ModelVersion model, InferenceRequest request)
    {
        var signature = model.Signature;
        var inputs = request.Inputs;
        long batchSize = -1;
        string? batchSource = null;
        var requiredSeen = 0;
        for (var i = 0; i < inputs.Length; i++)
        {
            var input = inputs[i];
            InferenceError error;
            long expectedBytes;
            if (input.HeaderChecked)
            {
                expectedBytes = input.ExpectedByteSize;
            }
            else
            {
                input.Spec ??= signature.FindInput(input.Name);
                error = ValidateInputHeader(model, input.Spec, input.Name, input.DataType, input.Shape, out expectedBytes);
                if (error.IsError)
                {
                    return error;
                }
            }

            for (var j = 0; j < i; j++)
            {
                if (ReferenceEquals(inputs[j].Spec, input.Spec))
                {
                    return InferenceError.InvalidArgument($"input '{input.Name}' is given more than once for model '{model.Name}'");
                }
            }

            if (!input.Spec!.Optional)
            {
                requiredSeen++;
            }

            error = ValidateData(model, input, expectedBytes);
            if (error.IsError)
            {
                return error;
            }

            if (signature.Batches)
            {
                if (batchSource is not null && input.Shape[0] != batchSize)
                {
                    return InferenceError.InvalidArgument(
                        $"inputs of model '{model.Name}' disagree on the batch size: '{batchSource}' has {batchSize}, '{input.Name}' has {input.Shape[0]}");
                }

                batchSize = input.Shape[0];
                batchSource = input.Name;
            }
        }

        if (requiredSeen != signature.RequiredInputCount)
        {
            return MissingInputs(model, request);
        }

        var requested = request.RequestedOutputs;
        for (var i = 0; i < requested.Length; i++)
        {
            var output = requested[i];
            output.Spec ??= signature.FindOutput(output.Name);
            if (output.Spec is null)
            {
                return InferenceError.InvalidArgument($"unexpected inference output '{output.Name}' for model '{model.Name}'");
            }

            for (var j = 0; j < i; j++)
            {
                if (ReferenceEquals(requested[j].Spec, output.Spec))
                {
                    return InferenceError.InvalidArgument($"output '{output.Name}' is requested more than once for model '{model.Name}'");
                }
            }

            if (output.ClassCount > 0)
            {
                if (output.SharedMemory is not null)
                {
                    return InferenceError.InvalidArgument($"output '{output.Name}' cannot be both classified and written to shared memory");
                }

                if (!Classification.TopKClasses.Supports(output.Spec.DataType))
                {
                    return Classification.TopKClasses.Unsupported(output.Name, output.Spec.DataType);
                }
            }
        }

        request.BatchSize = signature.Batches ? batchSize : 1;
        return InferenceError.None;
    }

    private static InferenceError ValidateData(ModelVersion model, InferenceInput input, long expectedBytes)
    {
        var data = input.Data.Span;
        if (input.DataType != DataType.Bytes)
        {
            return data.Length == expectedBytes
                ? InferenceError.None
                : InferenceError.InvalidArgument(
                    $"input byte size mismatch for input '{input.Name}' for model '{model.Name}'. Expected {expectedBytes}, got {data.Length}");
        }

        var elements = input.Shape.ElementCount;
        if (!BytesTensor.TryCountElements(data, out var count))
        {
            return InferenceError.InvalidArgument(
                $"BYTES data of input '{input.Name}' for model '{model.Name}' is malformed: an element's 4-byte length runs past the end of the data");
        }

        return count == elements
            ? InferenceError.None
            : InferenceError.InvalidArgument(
                $"expected {elements} string elements for inference input '{input.Name}' for model '{model.Name}', got {count}");
    }

    private static InferenceError MissingInputs(ModelVersion model, InferenceRequest request)
    {
        var given = new List<string>();
        foreach (var input in request.Inputs)
        {
            given.Add(input.Name);
        }

        var missing = model.Signature.Inputs.Where(s => !s.Optional && !given.Contains(s.Name)).Select(s => s.Name);
        return InferenceError.InvalidArgument(
            $"expected {model.Signature.RequiredInputCount} inputs but got {given.Count} inputs for model '{model.Name}'. " +
            $"Got input(s) {ModelSignature.FormatNames(given)}, but missing required input(s) {ModelSignature.FormatNames(missing)}. Please provide all required input(s).");
    }

    private static bool DimensionsMatch(ReadOnlySpan<long> actual, long[] expected)
    {
        for (var i = 0; i < expected.Length; i++)
        {
            if (expected[i] != -1 && actual[i] != expected[i])
            {
                return false;
            }
        }

        return true;
    }

    private static bool HasNegative(ReadOnlySpan<long> dims)
    {
        foreach (var d in dims)
        {
            if (d < 0)
            {
                return true;
            }
        }

        return false;
    }
}
