namespace InferenceServer.Protocols.Http;

/// <summary>
/// The bare tokens <c>NaN</c>, <c>Infinity</c> and <c>-Infinity</c> that Python's <c>json</c> writes for
/// non-finite floats and Triton's JSON parser accepts, but that <see cref="System.Text.Json.Utf8JsonReader"/>
/// rejects. A request that holds one is parsed from a copy in which each such token (outside strings) becomes
/// a JSON string of the same length, so every offset into the copy is an offset into the original:
/// <code>
///   NaN        →  "N"
///   Infinity   →  "Infini"
///   -Infinity  →  "-Infini"
/// </code>
/// A reader of the copy tells a replaced token from a real string by the original's byte at the token's start
/// (a quote for a real string), so a client's <c>"N"</c> string is never read as NaN.
/// </summary>
internal static class NonFiniteJsonTokens
{
    /// <summary>
    /// True when the text may hold a non-finite token: two vectorised searches, the only cost a request
    /// without one pays. A hit inside a string is sorted out by <see cref="Rewrite"/>.
    /// </summary>
    public static bool MayContain(ReadOnlySpan<byte> json) => json.IndexOf("NaN"u8) >= 0 || json.IndexOf("Infinity"u8) >= 0;

    /// <summary>Copies <paramref name="json"/> to <paramref name="destination"/> (at least as long), replacing each bare token; returns how many were replaced.</summary>
    public static int Rewrite(ReadOnlySpan<byte> json, Span<byte> destination)
    {
        json.CopyTo(destination);
        var replaced = 0;
        var inString = false;
        for (var i = 0; i < json.Length; i++)
        {
            var b = json[i];
            if (inString)
            {
                if (b == (byte)'\\')
                {
                    i++;
                }
                else if (b == (byte)'"')
                {
                    inString = false;
                }

                continue;
            }

            if (b == (byte)'"')
            {
                inString = true;
            }
            else if (b == (byte)'N' && json[i..].StartsWith("NaN"u8))
            {
                "\"N\""u8.CopyTo(destination[i..]);
                i += 2;
                replaced++;
            }
            else if (b == (byte)'I' && json[i..].StartsWith("Infinity"u8))
            {
                "\"Infini\""u8.CopyTo(destination[i..]);
                i += 7;
                replaced++;
            }
            else if (b == (byte)'-' && json[i..].StartsWith("-Infinity"u8))
            {
                "\"-Infini\""u8.CopyTo(destination[i..]);
                i += 8;
                replaced++;
            }
        }

        return replaced;
    }

    /// <summary>
    /// The value of a replaced token, given the original's first byte of a string token; false for a real
    /// string (its first byte is a quote).
    /// </summary>
    public static bool TryRead(byte originalFirstByte, out double value)
    {
        value = originalFirstByte switch
        {
            (byte)'N' => double.NaN,
            (byte)'I' => double.PositiveInfinity,
            (byte)'-' => double.NegativeInfinity,
            _ => 0,
        };
        return originalFirstByte is (byte)'N' or (byte)'I' or (byte)'-';
    }
}
