using InferenceServer.Core.Inference;
using InferenceServer.Core.Models.Repository;

namespace InferenceServer.Protocols.Authorization;

/// <summary>
/// Decides whether one call may run, by its operation's rule in <see cref="AuthorizationTable"/>, for both protocols.
/// Model control changes what every client is served, so it is allowed only where the operator chose it: explicit model
/// control mode (poll mode's source of truth is the folder; none means fixed at start-up), and only with a control
/// token: control is off until one is configured (403), and each call must carry <c>Authorization: Bearer &lt;token&gt;</c>
/// (HTTP header, gRPC metadata), compared in constant time (401). Off by default because a load names files the server
/// will open and run. The optional inference token guards the data plane; probes stay open.
/// </summary>
public sealed class RequestAuthorizer
{
    private readonly ModelControlMode _modelControlMode;
    private readonly BearerToken? _controlToken;
    private readonly BearerToken? _inferenceToken;

    public RequestAuthorizer(ServerContextOptions options)
    {
        _modelControlMode = options.ModelControlMode;
        _controlToken = BearerToken.From(options.ControlToken);
        _inferenceToken = BearerToken.From(options.InferenceToken);
    }

    /// <summary>
    /// Whether a call of <paramref name="operation"/> can be refused at all: front ends read the credentials only then, so
    /// an open data plane pays nothing per request.
    /// </summary>
    public bool Checks(ServerOperation operation) => AuthorizationTable.RuleFor(operation) switch
    {
        AccessRule.Open => false,
        AccessRule.InferenceToken => _inferenceToken is not null,
        AccessRule.ControlTokenWhenConfigured => _controlToken is not null || _inferenceToken is not null,
        _ => true,
    };

    /// <param name="model">The model a control call is about, for the message ("" when none).</param>
    /// <param name="authorization">The call's Authorization value ("" when absent).</param>
    public InferenceError Authorize(ServerOperation operation, string model, ReadOnlySpan<char> authorization) => AuthorizationTable.RuleFor(operation) switch
    {
        AccessRule.Open => InferenceError.None,
        AccessRule.InferenceToken => CheckInferenceToken(authorization),
        AccessRule.ModelControl => _modelControlMode != ModelControlMode.Explicit
            ? InferenceError.PermissionDenied(
                $"cannot {AuthorizationTable.Verb(operation)} '{model}': explicit control is not allowed in model control mode '{_modelControlMode.ToName()}'; start the server with --model-control-mode=explicit")
            : CheckControlToken($"cannot {AuthorizationTable.Verb(operation)} '{model}'", authorization),
        AccessRule.ControlTokenWhenConfigured => _controlToken is null
            ? CheckInferenceToken(authorization)
            : CheckControlToken($"cannot {AuthorizationTable.Verb(operation)}", authorization),
        _ => CheckControlToken($"cannot {AuthorizationTable.Verb(operation)}", authorization),
    };

    private InferenceError CheckInferenceToken(ReadOnlySpan<char> authorization) => _inferenceToken?.Check(authorization) switch
    {
        null or BearerToken.Verdict.Right => InferenceError.None,
        BearerToken.Verdict.Missing => InferenceError.Unauthenticated("this server needs 'Authorization: Bearer <token>' on inference calls (its --inference-token-file)"),
        _ => InferenceError.Unauthenticated("the bearer token is not the server's inference token"),
    };

    private InferenceError CheckControlToken(string refused, ReadOnlySpan<char> authorization)
    {
        if (_controlToken is null)
        {
            return InferenceError.PermissionDenied(
                $"{refused}: control calls are off until a control token is configured; start the server with --control-token-file=FILE (or set INFERENCE_SERVER_CONTROL_TOKEN) and send 'Authorization: Bearer <token>'");
        }

        return _controlToken.Check(authorization) switch
        {
            BearerToken.Verdict.Right => InferenceError.None,
            BearerToken.Verdict.Missing => InferenceError.Unauthenticated($"{refused}: control calls need 'Authorization: Bearer <token>' (the server's --control-token-file)"),
            _ => InferenceError.Unauthenticated($"{refused}: the bearer token is not the server's control token"),
        };
    }
}
