using System.Security.Cryptography;
using System.Text;

namespace InferenceServer.Protocols.Authorization;

/// <summary>
/// A configured bearer token and the check of an <c>Authorization</c> value against it: the scheme
/// case-insensitively, the token in constant time (no early exit that would tell how much of a guess was right).
/// </summary>
public sealed class BearerToken
{
    private const string Prefix = "Bearer ";
    private readonly byte[] _token;

    private BearerToken(string token)
    {
        _token = Encoding.UTF8.GetBytes(token);
    }

    public enum Verdict
    {
        /// <summary>No <c>Authorization: Bearer …</c> at all.</summary>
        Missing,

        /// <summary>A bearer token that is not this one.</summary>
        Wrong,

        Right,
    }

    /// <summary>The token, or null when none is configured (null or empty).</summary>
    public static BearerToken? From(string? token) => token is { Length: > 0 } ? new BearerToken(token) : null;

    /// <param name="authorization">The request's Authorization value ("" when absent).</param>
    public Verdict Check(ReadOnlySpan<char> authorization)
    {
        if (!authorization.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return Verdict.Missing;
        }

        var presented = authorization[Prefix.Length..].Trim();
        var maxBytes = Encoding.UTF8.GetMaxByteCount(presented.Length);
        Span<byte> buffer = maxBytes <= 256 ? stackalloc byte[256] : new byte[maxBytes];
        var length = Encoding.UTF8.GetBytes(presented, buffer);
        return CryptographicOperations.FixedTimeEquals(buffer[..length], _token) ? Verdict.Right : Verdict.Wrong;
    }
}
