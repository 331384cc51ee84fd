namespace InferenceServer.FunctionalTests.Infrastructure;

/// <summary>A stream that will not tell its length, so HttpClient sends it with chunked transfer encoding.</summary>
internal sealed class UnknownLengthStream(byte[] data) : MemoryStream(data)
{
    public override bool CanSeek => false;
}
