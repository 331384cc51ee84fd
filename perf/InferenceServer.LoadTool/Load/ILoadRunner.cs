namespace InferenceServer.LoadTool.Load;

/// <summary>Generates one step's load until stopped.</summary>
internal interface ILoadRunner
{
    /// <summary>Starts sending; <paramref name="cancellationToken"/> aborts the whole run (in-flight requests included).</summary>
    void Start(CancellationToken cancellationToken);

    /// <summary>Stops sending and waits for every request already sent to finish and be recorded.</summary>
    Task StopAsync();
}
