using InferenceServer.Core.Inference;
using InferenceServer.Core.Models.Repository;

namespace InferenceServer.Protocols;

/// <summary>
/// The one place that decides whether a control call (load, unload, traffic policy, log settings) may run, for both
/// front ends.
/// Control changes what every client is served, so it is allowed only where the operator chose it: explicit
/// model control mode (poll mode's source of truth is the folder; none means fixed at start-up), and only with
/// a control token: control is off until one is configured (403), and each call must carry
/// <c>Authorization: Bearer &lt;token&gt;</c> (HTTP header, gRPC metadata), compared in constant time (401).
/// Off by default because a load names files the server will open and run.
/// </summary>
public sealed class RepositoryControlAuthorization
{
    private readonly ServerContextOptions _options;
    private readonly BearerToken? _token;

    public RepositoryControlAuthorization(ServerContextOptions options)
    {
        _options = options;
        _token = BearerToken.From(options.ControlToken);
    }

    /// <param name="operation">"load", "unload", … for the message.</param>
    /// <param name="authorization">The request's Authorization value ("" when absent).</param>
    public InferenceError Authorize(string operation, string model, string authorization)
    {
        if (_options.ModelControlMode != ModelControlMode.Explicit)
        {
            return InferenceError.PermissionDenied(
                $"cannot {operation} '{model}': explicit control is not allowed in model control mode '{_options.ModelControlMode.ToName()}'; start the server with --model-control-mode=explicit");
        }

        return CheckToken($"cannot {operation} '{model}'", authorization);
    }

    /// <summary>A change of server settings (log settings): the control token alone decides, in every mode.</summary>
    /// <param name="what">"change the log settings", … for the message.</param>
    public InferenceError AuthorizeSettings(string what, string authorization) => CheckToken($"cannot {what}", authorization);

    private InferenceError CheckToken(string refused, string authorization)
    {
        if (_token is null)
        {
            return InferenceError.PermissionDenied(
                $"{refused}: control calls are off until a control token is configured; start the server with --control-token-file=FILE (or set INFERENCE_SERVER_CONTROL_TOKEN) and send 'Authorization: Bearer <token>'");
        }

        return _token.Check(authorization) switch
        {
            BearerToken.Verdict.Right => InferenceError.None,
            BearerToken.Verdict.Missing => InferenceError.Unauthenticated($"{refused}: control calls need 'Authorization: Bearer <token>' (the server's --control-token-file)"),
            _ => InferenceError.Unauthenticated($"{refused}: the bearer token is not the server's control token"),
        };
    }
}
