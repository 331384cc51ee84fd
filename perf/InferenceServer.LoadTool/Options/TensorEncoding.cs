namespace InferenceServer.LoadTool.Options;

/// <summary>How HTTP requests carry tensors (gRPC always sends <c>raw_input_contents</c>).</summary>
public enum TensorEncoding
{
    /// <summary>The binary tensor extension: a JSON header, then the raw bytes of each input; outputs asked binary.</summary>
    Binary,

    /// <summary>Every value as a JSON number or string, as a plain KServe v2 client sends it.</summary>
    Json,
}
