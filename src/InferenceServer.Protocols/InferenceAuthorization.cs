using System.Security.Cryptography;
using System.Text;
using InferenceServer.Core.Inference;

namespace InferenceServer.Protocols;

/// <summary>
/// The optional token on the data plane (<c>--inference-token-file</c> / <c>INFERENCE_SERVER_INFERENCE_TOKEN</c>):
/// when configured, inference, metadata, configuration, statistics, index and telemetry reads need
/// <c>Authorization: Bearer &lt;token&gt;</c> (401 / UNAUTHENTICATED otherwise). Health stays open for probes, the
/// metrics port for scrapers, and control calls answer to the control token alone. Off by default, as in Triton.
/// </summary>
public sealed class InferenceAuthorization
{
    private const string BearerPrefix = "Bearer ";
    private readonly byte[]? _token;

    public InferenceAuthorization(string? token)
    {
        _token = token is { Length: > 0 } ? Encoding.UTF8.GetBytes(token) : null;
    }

    public bool Required => _token is not null;

    /// <param name="authorization">The request's Authorization value ("" when absent).</param>
    public InferenceError Authorize(ReadOnlySpan<char> authorization)
    {
        if (_token is null)
        {
            return InferenceError.None;
        }

        if (!authorization.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return InferenceError.Unauthenticated("this server needs 'Authorization: Bearer <token>' on inference calls (its --inference-token-file)");
        }

        var presented = authorization[BearerPrefix.Length..].Trim();
        Span<byte> bytes = stackalloc byte[256];
        var fits = Encoding.UTF8.GetMaxByteCount(presented.Length) <= bytes.Length;
        var buffer = fits ? bytes : new byte[Encoding.UTF8.GetMaxByteCount(presented.Length)];
        var length = Encoding.UTF8.GetBytes(presented, buffer);
        return CryptographicOperations.FixedTimeEquals(buffer[..length], _token)
            ? InferenceError.None
            : InferenceError.Unauthenticated("the bearer token is not the server's inference token");
    }
}
