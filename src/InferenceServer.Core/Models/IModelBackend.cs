using Inference;

namespace InferenceServer.Core.Models;

/// <summary>A framework that can load model versions (ONNX Runtime is the one the server ships).</summary>
public interface IModelBackend
{
    /// <summary>The <c>platform</c> string this backend reports, e.g. <c>onnxruntime_onnx</c>.</summary>
    string Platform { get; }

    /// <summary>
    /// True when this backend serves the model: its config names the backend or platform, or (with
    /// neither set) the version directory holds this backend's default model file.
    /// </summary>
    bool CanServe(ModelConfig config, string versionDirectory);

    /// <summary>
    /// Loads one version: completes <see cref="ModelLoadRequest.Config"/> from the model file like
    /// Triton's auto-complete and creates the instances. Throws <see cref="ModelLoadException"/> with
    /// a reason an operator can act on.
    /// </summary>
    IModelRuntime Load(ModelLoadRequest request);
}
