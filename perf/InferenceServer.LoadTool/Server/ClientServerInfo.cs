using InferenceServer.Client;
using InferenceServer.Client.Errors;

namespace InferenceServer.LoadTool.Server;

/// <summary>
/// Metadata, config and statistics through the client library, over the same protocol as the load. A refusal becomes
/// an <see cref="InvalidOperationException"/> with the server's words, which the command reports and exits on.
/// </summary>
internal sealed class ClientServerInfo(InferenceClient client) : IServerClient
{
    public async Task<ModelDescription> DescribeAsync(string model, string version, CancellationToken cancellationToken)
    {
        try
        {
            var metadata = await client.GetModelMetadataAsync(model, version, cancellationToken).ConfigureAwait(false);
            var config = await client.GetModelConfigAsync(model, version, cancellationToken).ConfigureAwait(false);
            return new ModelDescription(
                model,
                [.. metadata.Inputs.Select(input => new TensorDescription(input.Name, input.DataType, [.. input.Shape]))],
                config.MaxBatchSize);
        }
        catch (InferenceServerException e)
        {
            throw new InvalidOperationException(e.Message, e);
        }
    }

    public async Task<ServerStatistics> ReadStatisticsAsync(string model, string version, CancellationToken cancellationToken)
    {
        IReadOnlyList<Client.Models.ModelStatistics> versions;
        try
        {
            versions = await client.GetModelStatisticsAsync(model, version, cancellationToken).ConfigureAwait(false);
        }
        catch (InferenceServerException e)
        {
            throw new InvalidOperationException(e.Message, e);
        }

        var total = ServerStatistics.Zero;
        foreach (var stats in versions)
        {
            if (stats.Name != model)
            {
                continue;
            }

            total += new ServerStatistics(
                Duration(stats.Success), Duration(stats.Fail), Duration(stats.Queue),
                Duration(stats.ComputeInput), Duration(stats.ComputeInfer), Duration(stats.ComputeOutput),
                stats.InferenceCount, stats.ExecutionCount);
        }

        return total;
    }

    private static CountedDuration Duration(Client.Models.DurationStatistic duration) => new(duration.Count, duration.Nanoseconds);
}
