using InferenceServer.LoadTool.Options;
using InferenceServer.LoadTool.Server;

namespace InferenceServer.LoadTool.Data;

/// <summary>
/// Builds the input sets the load cycles through: one for random or zero data, one per entry of a data file.
/// Built once before the load, so sending a request never generates data.
/// </summary>
internal static class InputDataBuilder
{
    public static IReadOnlyList<IReadOnlyList<InputTensor>> Build(ModelDescription model, LoadOptions options)
    {
        if (options.BatchSize > 1 && model.MaxBatchSize <= 0)
        {
            throw new InvalidOperationException($"model '{model.Name}' does not batch (max_batch_size 0); -b must be 1");
        }

        if (model.MaxBatchSize > 0 && options.BatchSize > model.MaxBatchSize)
        {
            throw new InvalidOperationException($"-b {options.BatchSize} exceeds model '{model.Name}''s max_batch_size {model.MaxBatchSize}");
        }

        if (options.InputData == InputDataKind.File)
        {
            var path = options.InputDataFile ?? throw new InvalidOperationException("--input-data names no file");
            return InputDataFile.Read(File.ReadAllBytes(path), model, options);
        }

        var random = new Random(options.Seed);
        var set = new List<InputTensor>();
        foreach (var input in model.Inputs)
        {
            var dims = InputShapes.RowDims(model, input, options.Shapes, null);
            var shape = InputShapes.RequestShape(model, dims, options.BatchSize);
            set.Add(new InputTensor(input.Name, input.DataType, shape, Generate(input.DataType, shape, options.InputData, options.StringLength, random)));
        }

        return [set];
    }

    /// <summary>
    /// Random integers lie in [0, 100) and floats in [0, 1): valid for models that use an input as an index
    /// or a probability, which values spread over a type's whole range are not.
    /// </summary>
    internal static byte[] Generate(string dataType, long[] shape, InputDataKind kind, int stringLength, Random random)
    {
        var count = shape.Aggregate(1L, (c, d) => c * d);
        var raw = new List<byte>();
        var text = new byte[stringLength];
        for (long i = 0; i < count; i++)
        {
            if (dataType == DataTypes.Bytes)
            {
                var element = kind == InputDataKind.Zero ? [] : text.AsSpan();
                for (var c = 0; c < element.Length; c++)
                {
                    element[c] = (byte)('a' + random.Next(26));
                }

                ElementEncoder.AppendBytes(raw, element);
            }
            else if (kind == InputDataKind.Zero)
            {
                ElementEncoder.AppendNumber(raw, dataType, 0);
            }
            else if (dataType == "BOOL")
            {
                ElementEncoder.AppendNumber(raw, dataType, random.Next(2));
            }
            else
            {
                ElementEncoder.AppendNumber(raw, dataType, DataTypes.IsFloatingPoint(dataType) ? random.NextDouble() : random.Next(100));
            }
        }

        return [.. raw];
    }
}
