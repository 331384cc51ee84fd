using InferenceServer.ModelBuilder.Repository;
using InferenceServer.ModelBuilder.Samples;

namespace InferenceServer.FunctionalTests.Infrastructure;

/// <summary>
/// Triton's <c>simple</c> with <c>response_cache { enable: true }</c>, in versions 1 and 2 (both served; 2 answers requests
/// that name no version), and an FP32
/// identity model of any shape [-1,-1] with the cache (the same bytes can come in two shapes).
/// </summary>
internal static class CacheRepositories
{
    public const string Simple = SampleModelNames.Simple;
    public const string Identity = "identity_cached";

    public static void WriteCachedSimple(string root)
    {
        var simple = SampleRepositoryWriter.CreateSamples().Single(s => s.Name == Simple);
        var config = simple.Config + "\nresponse_cache { enable: true }\nversion_policy: { all: {} }\n";
        SampleRepositoryWriter.WriteModel(root, Simple, simple.Onnx, config, version: 1);
        SampleRepositoryWriter.WriteModel(root, Simple, simple.Onnx, config: null, version: 2);
        SampleRepositoryWriter.WriteModel(root, Identity, SampleModels.Identity(ModelBuilder.Onnx.TensorProto.Types.DataType.Float), $$"""
            name: "{{Identity}}"
            platform: "onnxruntime_onnx"
            max_batch_size: 0
            input [{ name: "INPUT0", data_type: TYPE_FP32, dims: [-1, -1] }]
            output [{ name: "OUTPUT0", data_type: TYPE_FP32, dims: [-1, -1] }]
            response_cache { enable: true }
            """);
    }
}
