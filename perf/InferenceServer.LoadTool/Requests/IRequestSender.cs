namespace InferenceServer.LoadTool.Requests;

/// <summary>
/// Sends one inference request and waits for its whole response. Safe to call concurrently; a failure is an
/// outcome, not an exception (only the run's cancellation throws).
/// </summary>
internal interface IRequestSender
{
    ValueTask<RequestOutcome> SendAsync(CancellationToken cancellationToken);
}
