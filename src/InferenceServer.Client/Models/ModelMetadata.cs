namespace InferenceServer.Client.Models;

/// <summary>A model's name, versions, platform and tensors.</summary>
/// <param name="Name">The model's name.</param>
/// <param name="Versions">The versions the server has (ready or not).</param>
/// <param name="Platform">Its platform (for example <c>onnxruntime_onnx</c>).</param>
/// <param name="Inputs">Its inputs.</param>
/// <param name="Outputs">Its outputs.</param>
public sealed record ModelMetadata(string Name, IReadOnlyList<string> Versions, string Platform, IReadOnlyList<TensorMetadata> Inputs, IReadOnlyList<TensorMetadata> Outputs);
