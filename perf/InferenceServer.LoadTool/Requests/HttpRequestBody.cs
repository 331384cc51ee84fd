namespace InferenceServer.LoadTool.Requests;

/// <summary>A complete HTTP inference body, built once; <see cref="HeaderLength"/> is set for the binary tensor extension.</summary>
internal sealed record HttpRequestBody(byte[] Bytes, int? HeaderLength)
{
    public string ContentType => HeaderLength is null ? "application/json" : "application/octet-stream";

    /// <summary>The <c>Inference-Header-Content-Length</c> value, formatted once.</summary>
    public string? HeaderLengthText { get; } = HeaderLength?.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
