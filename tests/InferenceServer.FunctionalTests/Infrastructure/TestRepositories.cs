using InferenceServer.ModelBuilder.Repository;
using InferenceServer.ModelBuilder.Samples;
using OnnxType = InferenceServer.ModelBuilder.Onnx.TensorProto.Types.DataType;

namespace InferenceServer.FunctionalTests.Infrastructure;

/// <summary>The model repositories the suite serves.</summary>
internal static class TestRepositories
{
    public const string FixedShape = "fixed_shape";
    public const string ScalarBytes = "identity_bytes_scalar";
    public const string LatestDefault = "versions_latest";
    public const string PolicyAll = "versions_all";
    public const string PolicySpecific = "versions_specific";
    public const string CorruptOnnx = "corrupt_onnx";
    public const string BadConfig = "bad_config";
    public const string UnknownConfigField = "not_a_field";

    /// <summary>
    /// Everything that loads: Triton's samples, an auto-completed identity model per datatype, a BYTES identity
    /// model with dims [1], a fixed-shape model without config, and one model per version policy with versions 1, 2 and 3.
    /// </summary>
    public static void WriteMain(string root)
    {
        SampleRepositoryWriter.Write(root);
        foreach (var tensorCase in TensorCases.All)
        {
            SampleRepositoryWriter.WriteModel(root, tensorCase.ModelName, SampleModels.Identity(tensorCase.OnnxType), config: null);
        }

        SampleRepositoryWriter.WriteModel(root, FixedShape, SampleModels.FixedShape(), config: null);
        SampleRepositoryWriter.WriteModel(root, ScalarBytes, SampleModels.Identity(OnnxType.String, -1, 1), config: null);
        WriteVersions(root, LatestDefault, config: null);
        WriteVersions(root, PolicyAll, "version_policy: { all: {} }\n");
        WriteVersions(root, PolicySpecific, "version_policy: { specific: { versions: [1, 3] } }\n");
    }

    /// <summary><c>simple</c> plus two models that fail to load: an ONNX file that is not one, and a config with an unknown field.</summary>
    public static void WriteWithFailures(string root)
    {
        var samples = SampleRepositoryWriter.CreateSamples();
        var simple = samples.Single(s => s.Name == SampleModelNames.Simple);
        SampleRepositoryWriter.WriteModel(root, simple.Name, simple.Onnx, simple.Config);
        SampleRepositoryWriter.WriteModel(root, CorruptOnnx, SampleModels.Corrupt(), config: null);
        SampleRepositoryWriter.WriteModel(root, BadConfig, SampleModels.Identity(OnnxType.Float),
            $"name: \"{BadConfig}\"\nplatform: \"onnxruntime_onnx\"\n{UnknownConfigField}: 1\n");
    }

    /// <summary>Only <c>simple</c>.</summary>
    public static void WriteSimple(string root)
    {
        var simple = SampleRepositoryWriter.CreateSamples().Single(s => s.Name == SampleModelNames.Simple);
        SampleRepositoryWriter.WriteModel(root, simple.Name, simple.Onnx, simple.Config);
    }

    private static void WriteVersions(string root, string name, string? config)
    {
        var onnx = SampleModels.Identity(OnnxType.Float);
        for (var version = 1; version <= 3; version++)
        {
            SampleRepositoryWriter.WriteModel(root, name, onnx, version == 1 ? config : null, version);
        }
    }
}
