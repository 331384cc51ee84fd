namespace InferenceServer.LoadTool.Reporting;

/// <summary>
/// Open loop only: how much later than intended requests left the client (scheduler precision, or all
/// <c>--max-threads</c> slots busy), in microseconds. This lag is already inside the latencies; a large one
/// says the client, not the server, could not keep the rate.
/// </summary>
public sealed record SendLagSummary(double AvgUs, double MaxUs);
