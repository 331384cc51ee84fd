using InferenceServer.LoadTool.Server;

namespace InferenceServer.LoadTool.Data;

/// <summary>
/// Turns an input's declared shape into the shape of one request: the batch dim (for a model with
/// max_batch_size &gt; 0) becomes the batch size, and each other -1 takes its value from <c>--shape</c>
/// (or a data file entry's <c>shape</c>), which lists the dims without the batch dim, as perf_analyzer's does.
/// </summary>
internal static class InputShapes
{
    /// <summary>The dims without the batch dim, every one fixed.</summary>
    public static long[] RowDims(ModelDescription model, TensorDescription input, IReadOnlyDictionary<string, long[]> shapes, long[]? fromData)
    {
        var declared = model.MaxBatchSize > 0 ? input.Shape.Skip(1).ToArray() : input.Shape;
        var given = fromData ?? (shapes.TryGetValue(input.Name, out var flag) ? flag : null);
        if (given is null)
        {
            if (declared.Any(d => d < 0))
            {
                throw new InvalidOperationException(
                    $"input '{input.Name}' has dynamic dims [{string.Join(",", declared)}]; give them with --shape {input.Name}:{string.Join(",", declared.Select(d => d < 0 ? "N" : d.ToString(System.Globalization.CultureInfo.InvariantCulture)))}");
            }

            return declared;
        }

        if (given.Length != declared.Length)
        {
            throw new InvalidOperationException($"input '{input.Name}': shape [{string.Join(",", given)}] has {given.Length} dims, the model declares {declared.Length} ([{string.Join(",", declared)}])");
        }

        for (var i = 0; i < given.Length; i++)
        {
            if (declared[i] >= 0 && declared[i] != given[i])
            {
                throw new InvalidOperationException($"input '{input.Name}': dim {i} is fixed at {declared[i]}, not {given[i]}");
            }
        }

        return given;
    }

    /// <summary>The request's shape: the batch dim first when the model batches.</summary>
    public static long[] RequestShape(ModelDescription model, long[] rowDims, int batchSize) =>
        model.MaxBatchSize > 0 ? [batchSize, .. rowDims] : rowDims;
}
