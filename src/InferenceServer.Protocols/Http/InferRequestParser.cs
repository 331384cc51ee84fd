using System.Buffers;
using System.Text.Json;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Memory;
using InferenceServer.Core.Models;
using InferenceServer.Core.SharedMemory;
using InferenceServer.Core.Tensors;

namespace InferenceServer.Protocols.Http;

/// <summary>
/// Parses an HTTP inference request body straight from its pinned buffer:
/// <code>
/// | JSON header (Inference-Header-Content-Length bytes) | blob of input i | blob of input j | ...
///   blobs follow in the order of the inputs that carry parameters.binary_data_size, no padding
/// </code>
/// Without the header the whole body is JSON; a header of 0 is a raw binary request (the whole body
/// is the single input's data). Binary inputs are used in place; JSON data goes to a pinned buffer
/// sized from the validated shape. A tensor with <c>shared_memory_*</c> parameters is bound to its region
/// (<see cref="SharedMemoryTensors"/>); an output's <c>classification</c> asks for its top-k classes.
/// </summary>
internal sealed class InferRequestParser
{
    // Parsing never awaits, so one parser per thread is reused for every request that thread parses.
    [ThreadStatic]
    private static InferRequestParser? _threadParser;

    private ModelVersion _model = null!;
    private InferenceRequest _request = null!;
    private PinnedBufferPool _pool = null!;
    private SharedMemoryRegistry _sharedMemory = null!;
    private int _maxDepth;
    private ReadOnlyMemory<byte> _json;

    // The JSON as the client sent it; differs from _json only where NonFiniteJsonTokens replaced a token.
    private ReadOnlyMemory<byte> _originalJson;
    private ReadOnlyMemory<byte> _binary;
    private int _binaryOffset;

    private static InferRequestParser For(ModelVersion model, InferenceRequest request, PinnedBufferPool pool, int maxDepth, SharedMemoryRegistry sharedMemory)
    {
        var parser = _threadParser ??= new InferRequestParser();
        parser._model = model;
        parser._request = request;
        parser._pool = pool;
        parser._sharedMemory = sharedMemory;
        parser._maxDepth = maxDepth;
        parser._json = default;
        parser._originalJson = default;
        parser._binary = default;
        parser._binaryOffset = 0;
        return parser;
    }

    /// <param name="body">The body bytes; the request must own their buffer until it is reset.</param>
    /// <param name="headerLength">Inference-Header-Content-Length, or -1 when absent.</param>
    /// <param name="sharedMemory">The regions tensors may name (none when null).</param>
    public static InferenceError Parse(ModelVersion model, ReadOnlyMemory<byte> body, long headerLength, InferenceRequest request, PinnedBufferPool pool, int maxDepth,
        SharedMemoryRegistry? sharedMemory = null)
    {
        if (headerLength > body.Length)
        {
            return InferenceError.InvalidArgument(
                $"Inference-Header-Content-Length is {headerLength} but the body has only {body.Length} bytes");
        }

        var parser = For(model, request, pool, maxDepth, sharedMemory ?? SharedMemoryRegistry.Disabled);
        if (headerLength == 0)
        {
            return parser.ParseRawBinary(body);
        }

        parser._json = parser._originalJson = headerLength < 0 ? body : body[..(int)headerLength];
        parser._binary = headerLength < 0 ? ReadOnlyMemory<byte>.Empty : body[(int)headerLength..];
        byte[]? rewritten = null;
        try
        {
            if (NonFiniteJsonTokens.MayContain(parser._json.Span))
            {
                rewritten = ArrayPool<byte>.Shared.Rent(parser._json.Length);
                if (NonFiniteJsonTokens.Rewrite(parser._json.Span, rewritten) > 0)
                {
                    parser._json = rewritten.AsMemory(0, parser._json.Length);
                }
            }

            return parser.ParseJson();
        }
        catch (JsonException ex)
        {
            return InferenceError.InvalidArgument($"failed to parse the request JSON: {ex.Message}");
        }
        catch (InvalidOperationException ex)
        {
            return InferenceError.InvalidArgument($"failed to parse the request JSON: {ex.Message}");
        }
        finally
        {
            if (rewritten is not null)
            {
                // Nothing parsed keeps a reference into the copy: data is copied out, names are strings.
                ArrayPool<byte>.Shared.Return(rewritten);
                parser._json = parser._originalJson = default;
            }
        }
    }

    private InferenceError ParseJson()
    {
        var reader = new Utf8JsonReader(_json.Span, new JsonReaderOptions { MaxDepth = _maxDepth });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return InferenceError.InvalidArgument("the request body must be a JSON object");
        }

        var sawInputs = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            InferenceError error;
            if (reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                {
                    return InferenceError.InvalidArgument("request 'id' must be a string");
                }

                _request.Id = reader.GetString()!;
                continue;
            }

            if (reader.ValueTextEquals("parameters"u8))
            {
                reader.Read();
                error = ParseRequestParameters(ref reader);
            }
            else if (reader.ValueTextEquals("inputs"u8))
            {
                sawInputs = true;
                reader.Read();
                error = ParseArray(ref reader, "inputs", static (InferRequestParser p, ref Utf8JsonReader r) => p.ParseInput(ref r));
            }
            else if (reader.ValueTextEquals("outputs"u8))
            {
                reader.Read();
                error = ParseArray(ref reader, "outputs", static (InferRequestParser p, ref Utf8JsonReader r) => p.ParseOutput(ref r));
            }
            else
            {
                reader.Read();
                reader.Skip();
                continue;
            }

            if (error.IsError)
            {
                return error;
            }
        }

        // Only whitespace may follow the object, as in Triton; the reader throws on anything else.
        reader.Read();
        if (!sawInputs)
        {
            return InferenceError.InvalidArgument("the request has no 'inputs' array");
        }

        if (_binaryOffset != _binary.Length)
        {
            return InferenceError.InvalidArgument(
                $"the body has {_binary.Length - _binaryOffset} bytes of binary data beyond what the inputs' binary_data_size values account for");
        }

        return InferenceError.None;
    }

    private delegate InferenceError ElementParser(InferRequestParser parser, ref Utf8JsonReader reader);

    private InferenceError ParseArray(ref Utf8JsonReader reader, string field, ElementParser parseElement)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return InferenceError.InvalidArgument($"request '{field}' must be an array");
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var error = parseElement(this, ref reader);
            if (error.IsError)
            {
                return error;
            }
        }

        return InferenceError.None;
    }

    private InferenceError ParseRequestParameters(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return InferenceError.InvalidArgument("request 'parameters' must be an object");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("binary_data_output"u8))
            {
                reader.Read();
                if (reader.TokenType is not (JsonTokenType.True or JsonTokenType.False))
                {
                    return InferenceError.InvalidArgument("parameter 'binary_data_output' must be a boolean");
                }

                _request.BinaryDataOutput = reader.GetBoolean();
                continue;
            }

            if (reader.ValueTextEquals("priority"u8) || reader.ValueTextEquals("timeout"u8))
            {
                var isPriority = reader.ValueTextEquals("priority"u8);
                reader.Read();
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetUInt64(out var value))
                {
                    return InferenceError.InvalidArgument(
                        $"parameter '{(isPriority ? "priority" : "timeout")}' must be an unsigned integer{(isPriority ? "" : " (microseconds)")}");
                }

                if (isPriority)
                {
                    _request.Priority = value;
                }
                else
                {
                    _request.TimeoutMicroseconds = value;
                }

                continue;
            }

            if (JsonSequenceParameters.TryRead(ref reader, _request, out var sequenceError))
            {
                if (sequenceError.IsError)
                {
                    return sequenceError;
                }

                continue;
            }

            if (reader.ValueSpan.StartsWith("triton_"u8))
            {
                return InferenceError.InvalidArgument($"parameter '{reader.GetString()}' is reserved: names starting with 'triton_' cannot be used in requests");
            }

            reader.Read();
            reader.Skip();
        }

        return InferenceError.None;
    }

    private InferenceError ParseInput(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return InferenceError.InvalidArgument("each element of 'inputs' must be an object");
        }

        // Every message names the input. Triton's clients write "name" first; for a body that does not,
        // look the name up before an earlier property's error needs it.
        string? name = null;
        var lookahead = reader;
        if (lookahead.Read() && lookahead.TokenType == JsonTokenType.PropertyName && !lookahead.ValueTextEquals("name"u8))
        {
            name = FindName(reader);
        }

        TensorSpec? spec = null;
        var shape = default(TensorShape);
        var hasShape = false;
        var dataType = DataType.Invalid;
        long binarySize = -1;
        var shm = new SharedMemoryParameters();
        int dataStart = -1, dataEnd = -1;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("name"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                {
                    return InferenceError.InvalidArgument("input 'name' must be a string");
                }

                spec = reader.ValueIsEscaped ? _model.Signature.FindInput(reader.GetString()!) : _model.Signature.FindInput(reader.ValueSpan);
                name = spec?.Name ?? reader.GetString();
            }
            else if (reader.ValueTextEquals("shape"u8))
            {
                reader.Read();
                var error = ParseShape(ref reader, name, out shape);
                if (error.IsError)
                {
                    return error;
                }

                hasShape = true;
            }
            else if (reader.ValueTextEquals("datatype"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.String || !DataTypes.TryParse(reader.ValueSpan, out dataType))
                {
                    return InferenceError.InvalidArgument($"input '{name}' has an invalid datatype {Describe(ref reader)}; expected one of BOOL, UINT8, UINT16, UINT32, UINT64, INT8, INT16, INT32, INT64, FP16, FP32, FP64, BYTES, BF16");
                }
            }
            else if (reader.ValueTextEquals("parameters"u8))
            {
                reader.Read();
                var error = ParseInputParameters(ref reader, name, out binarySize, ref shm);
                if (error.IsError)
                {
                    return error;
                }
            }
            else if (reader.ValueTextEquals("data"u8))
            {
                reader.Read();
                dataStart = (int)reader.TokenStartIndex;
                reader.Skip();
                dataEnd = (int)reader.BytesConsumed;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (name is null)
        {
            return InferenceError.InvalidArgument("an input has no 'name'");
        }

        if (dataType == DataType.Invalid)
        {
            return InferenceError.InvalidArgument($"input '{name}' has no 'datatype'");
        }

        if (!hasShape)
        {
            return InferenceError.InvalidArgument($"input '{name}' has no 'shape'");
        }

        if (shm.Region is not null)
        {
            return dataStart >= 0 || binarySize >= 0 ? SharedMemoryTensors.InputWithData(name)
                : shm.ByteSize < 0 ? SharedMemoryTensors.MissingByteSize($"input '{name}'")
                : SharedMemoryTensors.BindInput(_sharedMemory, _model, _request, spec, name, dataType, shape, shm.Reference);
        }

        if ((dataStart >= 0) == (binarySize >= 0))
        {
            return InferenceError.InvalidArgument($"input '{name}' must have exactly one of 'data' or 'parameters.binary_data_size'");
        }

        var headerError = RequestValidator.BindInput(_model, _request, spec, name, dataType, shape, out var input);
        if (headerError.IsError)
        {
            return headerError;
        }

        var expectedBytes = input.ExpectedByteSize;
        if (binarySize >= 0)
        {
            return TakeBinary(input, binarySize, expectedBytes);
        }

        var dataError = JsonTensorReader.Read(_json.Span[dataStart..dataEnd], _originalJson.Span[dataStart..dataEnd], name, dataType, shape.ElementCount, expectedBytes, _pool, _maxDepth, out var buffer);
        if (dataError.IsError)
        {
            return dataError;
        }

        _request.Own(buffer!);
        InferenceRequest.SetInputData(input, buffer!.Memory);
        return InferenceError.None;
    }

    private InferenceError TakeBinary(InferenceInput input, long size, long expectedBytes)
    {
        if (expectedBytes >= 0 && size != expectedBytes)
        {
            return InferenceError.InvalidArgument(
                $"input byte size mismatch for input '{input.Name}' for model '{_model.Name}'. Expected {expectedBytes}, got {size} (binary_data_size)");
        }

        if (size > _binary.Length - _binaryOffset)
        {
            return InferenceError.InvalidArgument(
                $"binary data of input '{input.Name}' is truncated: binary_data_size is {size} but only {_binary.Length - _binaryOffset} bytes of binary data remain");
        }

        InferenceRequest.SetInputData(input, _binary.Slice(_binaryOffset, (int)size));
        _binaryOffset += (int)size;
        return InferenceError.None;
    }

    private static InferenceError ParseShape(ref Utf8JsonReader reader, string? name, out TensorShape shape)
    {
        shape = default;
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return InferenceError.InvalidArgument($"input '{name}' 'shape' must be an array of non-negative integers");
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var dim) || dim < 0)
            {
                return InferenceError.InvalidArgument($"input '{name}' 'shape' must be an array of non-negative integers");
            }

            if (!shape.TryAppend(dim))
            {
                return InferenceError.InvalidArgument($"input '{name}' has more than {TensorShape.MaxRank} dimensions");
            }
        }

        return InferenceError.None;
    }

    private static InferenceError ParseInputParameters(ref Utf8JsonReader reader, string? name, out long binarySize, ref SharedMemoryParameters shm)
    {
        binarySize = -1;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return InferenceError.InvalidArgument($"input '{name}' 'parameters' must be an object");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("binary_data_size"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out binarySize) || binarySize < 0)
                {
                    return InferenceError.InvalidArgument($"input '{name}' binary_data_size must be a non-negative integer");
                }

                continue;
            }

            if (reader.ValueSpan.StartsWith("shared_memory_"u8))
            {
                var error = shm.Read(ref reader, $"input '{name}'");
                if (error.IsError)
                {
                    return error;
                }

                continue;
            }

            reader.Read();
            reader.Skip();
        }

        return InferenceError.None;
    }

    private InferenceError ParseOutput(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return InferenceError.InvalidArgument("each element of 'outputs' must be an object");
        }

        string? name = null;
        var binary = false;
        var classes = 0;
        var shm = new SharedMemoryParameters();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("name"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                {
                    return InferenceError.InvalidArgument("output 'name' must be a string");
                }

                var spec = reader.ValueIsEscaped ? null : _model.Signature.FindOutput(reader.ValueSpan);
                name = spec?.Name ?? reader.GetString();
            }
            else if (reader.ValueTextEquals("parameters"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    return InferenceError.InvalidArgument($"output '{name}' 'parameters' must be an object");
                }

                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("binary_data"u8))
                    {
                        reader.Read();
                        if (reader.TokenType is not (JsonTokenType.True or JsonTokenType.False))
                        {
                            return InferenceError.InvalidArgument($"output '{name}' binary_data must be a boolean");
                        }

                        binary = reader.GetBoolean();
                        continue;
                    }

                    if (reader.ValueTextEquals("classification"u8))
                    {
                        reader.Read();
                        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetUInt64(out var k) || k == 0)
                        {
                            return InferenceError.InvalidArgument($"output '{name}' classification must be a positive integer (the number of classes to return)");
                        }

                        classes = (int)Math.Min(k, int.MaxValue);
                        continue;
                    }

                    if (reader.ValueSpan.StartsWith("shared_memory_"u8))
                    {
                        var error = shm.Read(ref reader, $"output '{name}'");
                        if (error.IsError)
                        {
                            return error;
                        }

                        continue;
                    }

                    reader.Read();
                    reader.Skip();
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (name is null)
        {
            return InferenceError.InvalidArgument("an output has no 'name'");
        }

        var output = _request.AddRequestedOutput(name, binary);
        output.ClassCount = classes;
        if (shm.Region is null)
        {
            return InferenceError.None;
        }

        return shm.ByteSize < 0
            ? SharedMemoryTensors.MissingByteSize($"output '{name}'")
            : SharedMemoryTensors.BindOutput(_sharedMemory, _request, output, shm.Reference);
    }

    // Raw binary request: the whole body is the data of the model's only input, batch 1.
    private InferenceError ParseRawBinary(ReadOnlyMemory<byte> body)
    {
        var signature = _model.Signature;
        if (signature.Inputs.Count != 1)
        {
            return InferenceError.InvalidArgument(
                $"a raw binary request (Inference-Header-Content-Length: 0) needs a model with exactly one input; model '{_model.Name}' has {signature.Inputs.Count}");
        }

        var spec = signature.Inputs[0];
        var shape = default(TensorShape);
        if (signature.Batches)
        {
            shape.TryAppend(1);
        }

        if (spec.DataType == DataType.Bytes)
        {
            return ParseRawBytes(spec, shape, body);
        }

        var size = spec.DataType.ElementSize();
        foreach (var dim in spec.Dimensions)
        {
            if (dim >= 0)
            {
                shape.TryAppend(dim);
                continue;
            }

            // One variable dimension can be inferred from the body size.
            if (!TryInferDimension(spec, body.Span, size, out var inferred))
            {
                return InferenceError.InvalidArgument(
                    $"a raw binary request cannot infer the shape of input '{spec.Name}' of model '{_model.Name}' (dims {TensorShape.Format(spec.Dimensions)}); send a JSON header");
            }

            shape.TryAppend(inferred);
        }

        var input = _request.AddInput(spec.Name, spec.DataType, shape, spec);
        InferenceRequest.SetInputData(input, body);
        _request.BinaryDataOutput = true;
        return InferenceError.None;
    }

    // As Triton: the body of a raw BYTES request is one element, whose length prefix the server adds.
    private InferenceError ParseRawBytes(TensorSpec spec, TensorShape shape, ReadOnlyMemory<byte> body)
    {
        foreach (var dim in spec.Dimensions)
        {
            if (dim is not (1 or -1))
            {
                return InferenceError.InvalidArgument(
                    $"a raw binary request carries one BYTES element, so input '{spec.Name}' of model '{_model.Name}' must have dims [1], not {TensorShape.Format(spec.Dimensions)}; send a JSON header");
            }

            shape.TryAppend(1);
        }

        if (body.Length > Array.MaxLength - BytesTensor.PrefixSize)
        {
            return new InferenceError(InferenceErrorCode.PayloadTooLarge, $"input '{spec.Name}' is larger than the per-tensor limit");
        }

        var buffer = _pool.Rent(BytesTensor.PrefixSize + body.Length);
        _request.Own(buffer);
        BytesTensor.WriteElement(buffer.Span, body.Span);
        var input = _request.AddInput(spec.Name, spec.DataType, shape, spec);
        InferenceRequest.SetInputData(input, buffer.Memory);
        _request.BinaryDataOutput = true;
        return InferenceError.None;
    }

    private static bool TryInferDimension(TensorSpec spec, ReadOnlySpan<byte> body, int elementSize, out long dimension)
    {
        dimension = 0;
        var variable = spec.Dimensions.Count(d => d < 0);
        var fixedProduct = spec.Dimensions.Where(d => d >= 0).Aggregate(1L, (a, b) => a * b);
        if (variable != 1 || fixedProduct == 0)
        {
            return false;
        }

        var elements = body.Length / elementSize;
        if (body.Length % elementSize != 0 || elements % fixedProduct != 0)
        {
            return false;
        }

        dimension = elements / fixedProduct;
        return true;
    }

    /// <summary>The string value of the "name" property of the object <paramref name="reader"/> (a copy) stands at, or null.</summary>
    private static string? FindName(Utf8JsonReader reader)
    {
        try
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isName = reader.ValueTextEquals("name"u8);
                reader.Read();
                if (isName)
                {
                    return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // The main pass reports the malformed JSON.
        }

        return null;
    }

    private static string Describe(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.String ? $"'{reader.GetString()}'" : $"(a JSON {reader.TokenType})";
}
