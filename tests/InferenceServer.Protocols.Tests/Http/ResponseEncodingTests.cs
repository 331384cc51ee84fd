using System.IO.Compression;
using InferenceServer.Protocols.Http;
using Microsoft.AspNetCore.Http;

namespace InferenceServer.Protocols.Tests.Http;

public class ResponseEncodingTests
{
    private static string? Choose(params string[] acceptEncoding)
    {
        var context = new DefaultHttpContext();
        if (acceptEncoding.Length > 0)
        {
            context.Request.Headers.AcceptEncoding = acceptEncoding;
        }

        return ResponseEncoding.Choose(context.Request);
    }

    [Fact]
    public void Choose_NoHeader_Identity()
    {
        Assert.Null(Choose());
    }

    [Theory]
    [InlineData("gzip", "gzip")]
    [InlineData("deflate", "deflate")]
    [InlineData("gzip, deflate", "gzip")]
    [InlineData("deflate, gzip", "deflate")]
    [InlineData("gzip;q=0.5, deflate;q=0.8", "deflate")]
    [InlineData("deflate;q=0.2, gzip", "gzip")]
    [InlineData("br, gzip;q=0.1", "gzip")]
    [InlineData("gzip;q=1.0, identity;q=0.5", "gzip")]
    public void Choose_SeveralEncodings_HighestQValueWins(string header, string expected)
    {
        Assert.Equal(expected, Choose(header));
    }

    [Theory]
    [InlineData("identity")]
    [InlineData("br")]
    [InlineData("gzip;q=0")]
    [InlineData("gzip;q=0, deflate;q=0")]
    [InlineData("identity;q=0.9, gzip;q=0.5")]
    [InlineData("identity, gzip")]
    [InlineData("gzip;q=abc")]
    [InlineData("")]
    public void Choose_NothingBetterThanIdentity_Identity(string header)
    {
        Assert.Null(Choose(header));
    }

    [Fact]
    public void Choose_SeveralHeaderValues_ConsidersAll()
    {
        Assert.Equal("deflate", Choose("gzip;q=0.3", "deflate;q=0.6"));
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("deflate")]
    public void Wrap_Encoding_CompressesReadableWithMatchingDecoder(string encoding)
    {
        var payload = "{\"outputs\":[]}"u8.ToArray();
        using var compressed = new MemoryStream();

        using (var stream = ResponseEncoding.Wrap(encoding, compressed))
        {
            stream.Write(payload);
        }

        compressed.Position = 0;
        using Stream decoder = encoding == "gzip" ? new GZipStream(compressed, CompressionMode.Decompress) : new ZLibStream(compressed, CompressionMode.Decompress);
        using var result = new MemoryStream();
        decoder.CopyTo(result);
        Assert.Equal(payload, result.ToArray());
    }
}
