using InferenceServer.Core.Inference;

namespace InferenceServer.Protocols;

/// <summary>
/// The one place that decides whether a repository control call (load, unload) may run, for both front ends.
/// Control changes what every client is served, so it is allowed only where the operator chose it: explicit
/// model control mode (poll mode's source of truth is the folder; none means fixed at start-up). Credentials,
/// when the server gets them, are checked here too.
/// </summary>
public sealed class RepositoryControlAuthorization
{
    private readonly ServerContextOptions _options;

    public RepositoryControlAuthorization(ServerContextOptions options)
    {
        _options = options;
    }

    /// <param name="operation">"load" or "unload", for the message.</param>
    public InferenceError Authorize(string operation, string model) => _options.ModelControlMode == "explicit"
        ? InferenceError.None
        : InferenceError.PermissionDenied(
            $"cannot {operation} '{model}': explicit model {operation} is not allowed in model control mode '{_options.ModelControlMode}'; start the server with --model-control-mode=explicit");
}
