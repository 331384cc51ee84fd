namespace InferenceServer.OnnxRuntime;

/// <summary>ONNX Runtime refused a run (<see cref="OrtDirectRun"/>); the message is ONNX Runtime's, as the managed API words it.</summary>
internal sealed class OrtRunException(string message) : Exception(message);
