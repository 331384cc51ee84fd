using InferenceServer.ModelBuilder.Samples;

namespace InferenceServer.Perf.OrtRate;

/// <summary>
/// The benchmark's MLP, 256 → 1024 → 1024 → 10 (two hidden Gemm+ReLU layers of 1024), built by
/// <see cref="SampleModels.Mlp(int, int, int, int)"/> in src/InferenceServer.ModelBuilder (which grants this tool
/// <c>InternalsVisibleTo</c>): INPUT0 FP32 [-1,256] → OUTPUT0 FP32 [-1,10], seeded weights, so every
/// build is byte-identical.
/// </summary>
internal static class MlpModel
{
    public const int Inputs = 256;
    public const int Hidden = 1024;
    public const int Outputs = 10;
    public const int HiddenLayers = 2;

    public const string InputName = "INPUT0";
    public const string OutputName = "OUTPUT0";

    /// <summary>The ONNX file's bytes.</summary>
    public static byte[] Build() => SampleModels.Mlp(Inputs, Hidden, Outputs, HiddenLayers);
}
