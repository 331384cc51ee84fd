using System.Globalization;
using System.Text;
using InferenceServer.ModelBuilder.Samples;
using DataType = InferenceServer.ModelBuilder.Onnx.TensorProto.Types.DataType;

namespace InferenceServer.ModelBuilder.Repository;

/// <summary>
/// Writes the sample model repository in Triton's layout:
/// <c>&lt;root&gt;/&lt;model&gt;/config.pbtxt</c> and <c>&lt;root&gt;/&lt;model&gt;/1/model.onnx</c>.
/// </summary>
internal static class SampleRepositoryWriter
{
    public const string DefaultRoot = "model-repository";
    public const string ConfigFileName = "config.pbtxt";
    public const string ModelFileName = "model.onnx";
    public const int SampleVersion = 1;

    /// <summary>The samples checked in under <see cref="DefaultRoot"/>, built afresh.</summary>
    public static IReadOnlyList<SampleModel> CreateSamples() =>
    [
        new(
            SampleModelNames.Simple,
            SimpleConfig(SampleModelNames.Simple, DataType.Int32, "Triton's simple example: OUTPUT0 = INPUT0 + INPUT1, OUTPUT1 = INPUT0 - INPUT1, 16 INT32 values per row."),
            SampleModels.Simple()),
        new(
            SampleModelNames.SimpleString,
            SimpleConfig(SampleModelNames.SimpleString, DataType.String, "Triton's simple_string example: like simple, but every value is a decimal integer in a string."),
            SampleModels.SimpleString()),
        new(SampleModelNames.SimpleIdentity, SimpleIdentityConfig(), SampleModels.SimpleIdentity()),
        new(SampleModelNames.FraudDetector, FraudDetectorConfig(), SampleModels.FraudDetector()),
    ];

    /// <summary>Writes every sample under <paramref name="root"/> and returns the paths of the files.</summary>
    public static IReadOnlyList<string> Write(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        var written = new List<string>();
        foreach (var sample in CreateSamples())
        {
            written.AddRange(WriteModel(root, sample.Name, sample.Onnx, sample.Config));
        }

        return written;
    }

    /// <summary>
    /// Writes one model directory; tests use it to lay out repositories of their own. A null
    /// <paramref name="config"/> leaves config.pbtxt out, for auto-complete tests. Files whose
    /// contents already match are not rewritten, so regenerating leaves their timestamps alone.
    /// </summary>
    public static IReadOnlyList<string> WriteModel(string root, string name, byte[] onnx, string? config, int version = SampleVersion)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(onnx);
        ArgumentOutOfRangeException.ThrowIfLessThan(version, 1);

        var modelDirectory = Path.Combine(root, name);
        var modelPath = Path.Combine(modelDirectory, version.ToString(CultureInfo.InvariantCulture), ModelFileName);
        var written = new List<string>(2);
        if (config is not null)
        {
            var configPath = Path.Combine(modelDirectory, ConfigFileName);
            WriteIfChanged(configPath, Encoding.UTF8.GetBytes(config));
            written.Add(configPath);
        }

        WriteIfChanged(modelPath, onnx);
        written.Add(modelPath);
        return written;
    }

    private static string SimpleConfig(string name, DataType type, string comment)
        => new ModelConfigText(name, maxBatchSize: 8)
            .Comment(comment)
            .Input(SampleModelNames.Input0, type, SampleModels.SimpleWidth)
            .Input(SampleModelNames.Input1, type, SampleModels.SimpleWidth)
            .Output(SampleModelNames.Output0, type, SampleModels.SimpleWidth)
            .Output(SampleModelNames.Output1, type, SampleModels.SimpleWidth)
            .ToString();

    private static string SimpleIdentityConfig()
        => new ModelConfigText(SampleModelNames.SimpleIdentity, maxBatchSize: 8)
            .Comment("Triton's simple_identity example: OUTPUT0 is a copy of INPUT0, strings of any length.")
            .Input(SampleModelNames.Input0, DataType.String, -1)
            .Output(SampleModelNames.Output0, DataType.String, -1)
            .ToString();

    private static string FraudDetectorConfig()
        => new ModelConfigText(SampleModelNames.FraudDetector, maxBatchSize: 64)
            .Comment("Tabular fraud classifier: 30 FP32 features -> 64 ReLU -> 32 ReLU -> 2 softmax over [legit, fraud].")
            .Comment("Synthetic seeded weights; it demonstrates dynamic batching of small CPU requests.")
            .Input(SampleModelNames.FraudFeatures, DataType.Float, SampleModels.FraudFeatureCount)
            .Output(SampleModelNames.FraudProbabilities, DataType.Float, SampleModels.FraudClassCount)
            .DynamicBatching(maxQueueDelayMicroseconds: 200)
            .InstanceGroup(count: 1)
            .ToString();

    private static void WriteIfChanged(string path, byte[] contents)
    {
        if (File.Exists(path) && File.ReadAllBytes(path).AsSpan().SequenceEqual(contents))
        {
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllBytes(path, contents);
    }
}
