using System.Text.Json;
using InferenceServer.LoadTool.Options;
using InferenceServer.LoadTool.Server;

namespace InferenceServer.LoadTool.Data;

/// <summary>
/// perf_analyzer's input data file: <c>{"data": [ENTRY, ...]}</c>, each entry naming every input. An input's value
/// is an array of values (flat or nested), <c>{"content": [...], "shape": [...]}</c> for an input with dynamic
/// dims, or <c>{"b64": "..."}</c> with the raw bytes. The values are one row (the shape without the batch dim);
/// with <c>-b N</c> the row is sent N times. Requests cycle through the entries in order.
/// </summary>
internal static class InputDataFile
{
    public static IReadOnlyList<IReadOnlyList<InputTensor>> Read(ReadOnlySpan<byte> json, ModelDescription model, LoadOptions options)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        using var document = JsonDocument.ParseValue(ref reader);
        if (document.RootElement.ValueKind != JsonValueKind.Object
            || !document.RootElement.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array || data.GetArrayLength() == 0)
        {
            throw new InvalidDataException("the input data file must be {\"data\": [ENTRY, ...]} with at least one entry");
        }

        var sets = new List<IReadOnlyList<InputTensor>>();
        var index = 0;
        foreach (var entry in data.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"data entry {index} is not an object of inputs");
            }

            var set = new List<InputTensor>();
            foreach (var input in model.Inputs)
            {
                if (!entry.TryGetProperty(input.Name, out var value))
                {
                    throw new InvalidDataException($"data entry {index} has no value for input '{input.Name}'");
                }

                set.Add(ReadInput(model, input, value, options));
            }

            sets.Add(set);
            index++;
        }

        return sets;
    }

    private static InputTensor ReadInput(ModelDescription model, TensorDescription input, JsonElement value, LoadOptions options)
    {
        long[]? entryShape = null;
        var content = value;
        if (value.ValueKind == JsonValueKind.Object)
        {
            if (value.TryGetProperty("shape", out var shape))
            {
                entryShape = [.. shape.EnumerateArray().Select(d => d.GetInt64())];
            }

            if (!value.TryGetProperty("content", out content) && !value.TryGetProperty("b64", out content))
            {
                throw new InvalidDataException($"input '{input.Name}': an object value needs \"content\" or \"b64\"");
            }
        }

        var dims = InputShapes.RowDims(model, input, options.Shapes, entryShape);
        var row = new List<byte>();
        if (content.ValueKind == JsonValueKind.String && input.DataType != DataTypes.Bytes)
        {
            row.AddRange(content.GetBytesFromBase64());
        }
        else
        {
            var count = 0L;
            Flatten(content, input, row, ref count);
            var expected = dims.Aggregate(1L, (c, d) => c * d);
            if (count != expected)
            {
                throw new InvalidDataException($"input '{input.Name}' has {count} values; shape [{string.Join(",", dims)}] needs {expected}");
            }
        }

        var elementSize = DataTypes.ElementSize(input.DataType);
        var rowBytes = dims.Aggregate((long)elementSize, (c, d) => c * d);
        if (elementSize > 0 && row.Count != rowBytes)
        {
            throw new InvalidDataException($"input '{input.Name}' has {row.Count} bytes; shape [{string.Join(",", dims)}] of {input.DataType} needs {rowBytes}");
        }

        var batch = model.MaxBatchSize > 0 ? options.BatchSize : 1;
        var raw = new byte[row.Count * batch];
        for (var b = 0; b < batch; b++)
        {
            row.CopyTo(raw, b * row.Count);
        }

        return new InputTensor(input.Name, input.DataType, InputShapes.RequestShape(model, dims, options.BatchSize), raw);
    }

    private static void Flatten(JsonElement value, TensorDescription input, List<byte> raw, ref long count)
    {
        if (value.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in value.EnumerateArray())
            {
                Flatten(item, input, raw, ref count);
            }

            return;
        }

        ElementEncoder.AppendJson(raw, input.DataType, value, input.Name);
        count++;
    }
}
