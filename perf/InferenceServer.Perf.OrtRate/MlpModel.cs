using System.Runtime.CompilerServices;

namespace InferenceServer.Perf.OrtRate;

/// <summary>
/// The benchmark's MLP, 256 → 1024 → 1024 → 10 (two hidden Gemm+ReLU layers of 1024), built by
/// <c>SampleModels.Mlp</c> in src/InferenceServer.ModelBuilder: INPUT0 FP32 [-1,256] → OUTPUT0
/// FP32 [-1,10], seeded weights, so every build is byte-identical.
/// </summary>
/// <remarks>
/// <c>SampleModels</c> is internal to the model builder, and src/ grants <c>InternalsVisibleTo</c>
/// only to its tests and benchmarks, so the factory is bound with <see cref="UnsafeAccessorAttribute"/>
/// by name. A rename there fails here at the first call with <see cref="MissingMethodException"/>.
/// </remarks>
internal static class MlpModel
{
    public const int Inputs = 256;
    public const int Hidden = 1024;
    public const int Outputs = 10;
    public const int HiddenLayers = 2;

    public const string InputName = "INPUT0";
    public const string OutputName = "OUTPUT0";

    private const string SampleModelsType = "InferenceServer.ModelBuilder.Samples.SampleModels, InferenceServer.ModelBuilder";

    /// <summary>The ONNX file's bytes.</summary>
    public static byte[] Build() => SampleModelsMlp(null, Inputs, Hidden, Outputs, HiddenLayers);

    [UnsafeAccessor(UnsafeAccessorKind.StaticMethod, Name = "Mlp")]
    private static extern byte[] SampleModelsMlp([UnsafeAccessorType(SampleModelsType)] object? type, int inputs, int hidden, int outputs, int layers);
}
