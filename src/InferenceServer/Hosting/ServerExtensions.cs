namespace InferenceServer.Hosting;

/// <summary>
/// What a program embedding the server adds to it: steps after every answered request (tracing, auditing) and log
/// sinks beside the console. The server's own binary adds none.
/// </summary>
public sealed record ServerExtensions
{
    public IReadOnlyList<Core.Inference.Pipeline.IAnsweredRequestHook> AnsweredRequestHooks { get; init; } = [];

    public IReadOnlyList<ILoggerProvider> LoggerProviders { get; init; } = [];
}
