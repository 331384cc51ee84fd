namespace InferenceServer.LoadTool.Server;

/// <summary>The control calls around the load, over the same protocol as the load: metadata, config and statistics.</summary>
internal interface IServerClient
{
    Task<ModelDescription> DescribeAsync(string model, string version, CancellationToken cancellationToken);

    /// <summary>The model's statistics now: the one version asked for, or the sum over every version when none was.</summary>
    Task<ServerStatistics> ReadStatisticsAsync(string model, string version, CancellationToken cancellationToken);
}
