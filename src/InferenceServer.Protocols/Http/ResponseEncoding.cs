using System.IO.Compression;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace InferenceServer.Protocols.Http;

/// <summary>Chooses the response encoding from <c>Accept-Encoding</c> (q-values honoured): gzip, deflate (zlib) or identity.</summary>
internal static class ResponseEncoding
{
    /// <summary>
    /// Triton's rule: the first of identity, gzip and deflate with the highest q-value above 0 wins, so a
    /// listed identity competes like the others; null means identity (no compression).
    /// </summary>
    public static string? Choose(HttpRequest request)
    {
        var header = request.Headers.AcceptEncoding;
        if (header.Count == 0 || !StringWithQualityHeaderValue.TryParseList(header, out var values))
        {
            return null;
        }

        string? best = null;
        double bestQuality = 0;
        foreach (var value in values)
        {
            var quality = value.Quality ?? 1.0;
            var name = value.Value.Value;
            if ((name == "gzip" || name == "deflate" || name == "identity") && quality > bestQuality)
            {
                best = name;
                bestQuality = quality;
            }
        }

        return best == "identity" ? null : best;
    }

    public static Stream Wrap(string encoding, Stream body) => encoding == "gzip"
        ? new GZipStream(body, CompressionLevel.Fastest, leaveOpen: true)
        : new ZLibStream(body, CompressionLevel.Fastest, leaveOpen: true);
}
