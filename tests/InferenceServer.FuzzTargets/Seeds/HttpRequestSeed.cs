namespace InferenceServer.FuzzTargets.Seeds;

/// <summary>A valid HTTP inference request for one of the sample models: the body and its Inference-Header-Content-Length (null when absent).</summary>
internal sealed record HttpRequestSeed(string Name, string Model, byte[] Body, long? HeaderLength)
{
    /// <summary>The request as one fuzz input (<see cref="HttpRequestFile"/>), so mutations reach the header length too.</summary>
    public byte[] ToFuzzInput() => HttpRequestFile.Encode(HeaderLength, Body);
}
