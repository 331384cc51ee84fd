using InferenceServer.ModelBuilder.Repository;
using InferenceServer.ModelBuilder.Samples;
using OnnxType = InferenceServer.ModelBuilder.Onnx.TensorProto.Types.DataType;

namespace InferenceServer.FunctionalTests.Classification;

/// <summary>
/// Models for the classification extension: OUTPUT0 = INPUT0 + INPUT1 and OUTPUT1 = INPUT0 − INPUT1 over four FP32
/// classes, OUTPUT0 labelled from <c>labels.txt</c> in the model folder (three labels for four classes, so the last
/// class has none), OUTPUT1 unlabelled; one batching, one not. Plus <c>simple</c> for integer outputs.
/// </summary>
internal static class ClassificationRepositories
{
    public const string Batching = "classifier";
    public const string Flat = "classifier_flat";
    public const string MissingLabels = "classifier_missing_labels";
    public static readonly string[] Labels = ["cat", "dog", "bird"];

    public static void Write(string root)
    {
        var simple = SampleRepositoryWriter.CreateSamples().Single(s => s.Name == SampleModelNames.Simple);
        SampleRepositoryWriter.WriteModel(root, simple.Name, simple.Onnx, simple.Config);
        SampleRepositoryWriter.WriteModel(root, Batching, SampleModels.AddSub(OnnxType.Float, -1, 4), Config(Batching, 4, "labels.txt"));
        SampleRepositoryWriter.WriteModel(root, Flat, SampleModels.AddSub(OnnxType.Float, 4), Config(Flat, 0, "labels.txt"));
        SampleRepositoryWriter.WriteModel(root, MissingLabels, SampleModels.AddSub(OnnxType.Float, -1, 4), Config(MissingLabels, 4, "no_such_labels.txt"));
        File.WriteAllLines(Path.Combine(root, Batching, "labels.txt"), Labels);
        File.WriteAllLines(Path.Combine(root, Flat, "labels.txt"), Labels);
    }

    private static string Config(string name, int maxBatchSize, string labels) => $$"""
        name: "{{name}}"
        platform: "onnxruntime_onnx"
        max_batch_size: {{maxBatchSize}}
        input [ { name: "INPUT0" data_type: TYPE_FP32 dims: [ 4 ] }, { name: "INPUT1" data_type: TYPE_FP32 dims: [ 4 ] } ]
        output [
          { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ 4 ] label_filename: "{{labels}}" },
          { name: "OUTPUT1" data_type: TYPE_FP32 dims: [ 4 ] }
        ]
        """;
}
