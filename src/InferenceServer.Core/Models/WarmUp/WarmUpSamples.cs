using Inference;
using InferenceServer.Core.Models.Repository;
using InferenceServer.Core.Tensors;
using DataType = InferenceServer.Core.Tensors.DataType;

namespace InferenceServer.Core.Models.WarmUp;

/// <summary>
/// Builds warm-up requests: from the config's <c>model_warmup</c> (Triton's semantics) or, without it, one
/// synthetic request per instance so ONNX Runtime's lazy initialisation is paid by the load, not the first caller.
/// </summary>
public static class WarmUpSamples
{
    /// <summary>Triton reads <c>input_data_file</c> from this folder of the model.</summary>
    public const string DataFolder = "warmup";

    /// <summary>
    /// One single-row request of zeros (variable dimensions as 1; the string "0" per BYTES element, which
    /// models that parse numbers accept too). Synthetic data may be outside what a model accepts, so its
    /// failure does not fail the load.
    /// </summary>
    public static IReadOnlyList<WarmUpSample> Synthetic(ModelSignature signature)
    {
        var inputs = new List<WarmUpInput>();
        foreach (var spec in signature.Inputs)
        {
            if (spec.Optional)
            {
                continue;
            }

            var dims = spec.Dimensions.Select(d => d < 0 ? 1 : d);
            var shape = TensorShape.Create(signature.Batches ? [1, .. dims] : [.. dims]);
            inputs.Add(new WarmUpInput(spec.Name, spec.DataType, shape, Zeros(spec.DataType, shape.ElementCount, "0"u8)));
        }

        return [new WarmUpSample("synthetic", 1, inputs)];
    }

    /// <summary>
    /// The config's <c>model_warmup</c> samples: <c>batch_size</c> rows (prepended as the batch dimension when
    /// the model batches), each input <c>zero_data</c> (BYTES: empty strings), <c>random_data</c> (BYTES: as
    /// zero_data, as Triton does) or <c>input_data_file</c> (raw bytes, read from the model's
    /// <c>warmup/</c> folder, its size checked against the shape). <c>count</c> 0 runs once.
    /// </summary>
    /// <exception cref="ModelLoadException">A sample the server cannot build, with the sample and input named.</exception>
    public static IReadOnlyList<WarmUpSample> FromConfig(ModelConfig config, ModelSignature signature, string modelDirectory)
    {
        var samples = new List<WarmUpSample>(config.ModelWarmup.Count);
        foreach (var warmup in config.ModelWarmup)
        {
            var name = warmup.Name.Length > 0 ? warmup.Name : $"#{samples.Count}";
            if (signature.Batches && (warmup.BatchSize == 0 || warmup.BatchSize > signature.MaxBatchSize))
            {
                throw new ModelLoadException($"model_warmup '{name}': batch_size {warmup.BatchSize} must be between 1 and max_batch_size {signature.MaxBatchSize}");
            }

            var random = new Random(samples.Count);
            var inputs = new List<WarmUpInput>(warmup.Inputs.Count);
            foreach (var (inputName, input) in warmup.Inputs.OrderBy(i => i.Key, StringComparer.Ordinal))
            {
                inputs.Add(Input(name, inputName, input, signature.Batches ? warmup.BatchSize : null, modelDirectory, random));
            }

            samples.Add(new WarmUpSample(name, Math.Max(1, (int)warmup.Count), inputs));
        }

        return samples;
    }

    private static WarmUpInput Input(string sample, string name, ModelWarmup.Types.Input input, uint? batchSize, string modelDirectory, Random random)
    {
        var type = (DataType)(int)input.DataType;
        if (type == DataType.Invalid || !Enum.IsDefined(type))
        {
            throw new ModelLoadException($"model_warmup '{sample}' input '{name}': data_type {input.DataType} is not a tensor type");
        }

        if (input.Dims.Any(d => d < 0))
        {
            throw new ModelLoadException($"model_warmup '{sample}' input '{name}': dims must be fixed (non-negative), got {TensorShape.Format([.. input.Dims])}");
        }

        if (!TensorShape.TryCreate(batchSize is { } rows ? [rows, .. input.Dims] : [.. input.Dims], out var shape))
        {
            throw new ModelLoadException($"model_warmup '{sample}' input '{name}': the shape is too large or has too many dimensions");
        }

        var elements = shape.ElementCount;
        byte[] data;
        switch (input.InputDataTypeCase)
        {
            case ModelWarmup.Types.Input.InputDataTypeOneofCase.InputDataFile:
                data = ReadDataFile(sample, name, modelDirectory, input.InputDataFile);
                if (type != DataType.Bytes && data.LongLength != elements * type.ElementSize())
                {
                    throw new ModelLoadException($"model_warmup '{sample}' input '{name}': {input.InputDataFile} has {data.LongLength} bytes, the shape {shape} of {type.ToConfigString()} needs {elements * type.ElementSize()}");
                }

                break;
            case ModelWarmup.Types.Input.InputDataTypeOneofCase.RandomData when type != DataType.Bytes:
                data = new byte[elements * type.ElementSize()];
                random.NextBytes(data);
                break;
            case ModelWarmup.Types.Input.InputDataTypeOneofCase.ZeroData:
            case ModelWarmup.Types.Input.InputDataTypeOneofCase.RandomData:
                data = Zeros(type, elements, ""u8);
                break;
            default:
                throw new ModelLoadException($"model_warmup '{sample}' input '{name}': set one of zero_data, random_data or input_data_file");
        }

        return new WarmUpInput(name, type, shape, data);
    }

    private static byte[] ReadDataFile(string sample, string input, string modelDirectory, string file)
    {
        var folder = Path.GetFullPath(Path.Combine(modelDirectory, DataFolder));
        var path = Path.GetFullPath(Path.Combine(folder, file));
        if (!path.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ModelLoadException($"model_warmup '{sample}' input '{input}': input_data_file '{file}' is outside the model's {DataFolder}/ folder");
        }

        // The file may be a link: where it really is must be inside the folder too.
        ModelRepository.EnsureUnder(path, folder, $"model_warmup '{sample}' input '{input}': input_data_file '{file}'");
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ModelLoadException($"model_warmup '{sample}' input '{input}': cannot read {DataFolder}/{file}: {ex.Message}");
        }
    }

    private static byte[] Zeros(DataType type, long elements, ReadOnlySpan<byte> stringElement)
    {
        if (type != DataType.Bytes)
        {
            return new byte[elements * type.ElementSize()];
        }

        var size = BytesTensor.PrefixSize + stringElement.Length;
        var data = new byte[elements * size];
        for (long i = 0; i < elements; i++)
        {
            BytesTensor.WriteElement(data.AsSpan((int)(i * size)), stringElement);
        }

        return data;
    }
}
