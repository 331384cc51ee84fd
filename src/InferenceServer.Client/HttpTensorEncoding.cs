namespace InferenceServer.Client;

/// <summary>How tensors travel over HTTP.</summary>
public enum HttpTensorEncoding
{
    /// <summary>The binary tensor extension: a JSON header, then each input's raw bytes; outputs come back the same way.</summary>
    Binary,

    /// <summary>Every value as a JSON number, boolean or string in <c>"data"</c>, both ways.</summary>
    Json,
}
