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
    private readonly BearerToken? _token;

    public InferenceAuthorization(string? token)
    {
        _token = BearerToken.From(token);
    }

    public bool Required => _token is not null;

    /// <param name="authorization">The request's Authorization value ("" when absent).</param>
    public InferenceError Authorize(ReadOnlySpan<char> authorization) => _token?.Check(authorization) switch
    {
        null or BearerToken.Verdict.Right => InferenceError.None,
        BearerToken.Verdict.Missing => InferenceError.Unauthenticated("this server needs 'Authorization: Bearer <token>' on inference calls (its --inference-token-file)"),
        _ => InferenceError.Unauthenticated("the bearer token is not the server's inference token"),
    };
}
