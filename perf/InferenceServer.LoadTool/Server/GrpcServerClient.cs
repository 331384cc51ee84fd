using Grpc.Core;
using Inference;

namespace InferenceServer.LoadTool.Server;

/// <summary>Metadata, config and statistics over gRPC: ModelMetadata, ModelConfig and ModelStatistics.</summary>
internal sealed class GrpcServerClient(CallInvoker invoker, TimeSpan timeout) : IServerClient
{
    public async Task<ModelDescription> DescribeAsync(string model, string version, CancellationToken cancellationToken)
    {
        var metadata = await invoker.AsyncUnaryCall(GrpcMethods.ModelMetadata, null, Options(cancellationToken), new ModelMetadataRequest { Name = model, Version = version }).ResponseAsync.ConfigureAwait(false);
        var config = await invoker.AsyncUnaryCall(GrpcMethods.ModelConfig, null, Options(cancellationToken), new ModelConfigRequest { Name = model, Version = version }).ResponseAsync.ConfigureAwait(false);
        return new ModelDescription(
            model,
            [.. metadata.Inputs.Select(input => new TensorDescription(input.Name, input.Datatype, [.. input.Shape]))],
            config.Config.MaxBatchSize);
    }

    public async Task<ServerStatistics> ReadStatisticsAsync(string model, string version, CancellationToken cancellationToken)
    {
        var response = await invoker.AsyncUnaryCall(GrpcMethods.ModelStatistics, null, Options(cancellationToken), new ModelStatisticsRequest { Name = model, Version = version }).ResponseAsync.ConfigureAwait(false);
        var total = ServerStatistics.Zero;
        foreach (var stats in response.ModelStats.Where(s => s.Name == model))
        {
            var inference = stats.InferenceStats ?? new InferStatistics();
            total += new ServerStatistics(
                Duration(inference.Success), Duration(inference.Fail), Duration(inference.Queue),
                Duration(inference.ComputeInput), Duration(inference.ComputeInfer), Duration(inference.ComputeOutput),
                (long)stats.InferenceCount, (long)stats.ExecutionCount);
        }

        return total;
    }

    private CallOptions Options(CancellationToken cancellationToken) => new(deadline: DateTime.UtcNow + timeout, cancellationToken: cancellationToken);

    private static CountedDuration Duration(StatisticDuration? duration) =>
        duration is null ? default : new CountedDuration((long)duration.Count, (long)duration.Ns);
}
