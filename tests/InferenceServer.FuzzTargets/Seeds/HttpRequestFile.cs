using System.Globalization;
using System.Text;

namespace InferenceServer.FuzzTargets.Seeds;

/// <summary>
/// How an HTTP request body and its Inference-Header-Content-Length travel as one fuzz input:
/// <code>
/// | header value (ASCII, may be empty) | '\n' | body ... |
/// </code>
/// An empty first line means the header is absent; an input without '\n' is all body. The header value is
/// kept as text, so mutations can make it negative, huge or not a number, as a client could.
/// </summary>
internal static class HttpRequestFile
{
    public static byte[] Encode(long? headerLength, ReadOnlySpan<byte> body)
    {
        var header = headerLength?.ToString(CultureInfo.InvariantCulture) ?? "";
        return [.. Encoding.ASCII.GetBytes(header), (byte)'\n', .. body];
    }

    /// <summary>Splits an input into the header's text (null when absent) and the body.</summary>
    public static (string? HeaderValue, ReadOnlyMemory<byte> Body) Decode(ReadOnlyMemory<byte> input)
    {
        var newline = input.Span.IndexOf((byte)'\n');
        if (newline < 0)
        {
            return (null, input);
        }

        var header = newline == 0 ? null : Encoding.Latin1.GetString(input.Span[..newline]);
        return (header, input[(newline + 1)..]);
    }
}
