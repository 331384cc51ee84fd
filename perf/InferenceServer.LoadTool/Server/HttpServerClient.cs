using System.Net.Http.Json;
using System.Text.Json.Serialization.Metadata;

namespace InferenceServer.LoadTool.Server;

/// <summary>Metadata, config and statistics over HTTP: <c>GET /v2/models/{m}[/versions/{v}][/config|/stats]</c>.</summary>
internal sealed class HttpServerClient(HttpClient http) : IServerClient
{
    public async Task<ModelDescription> DescribeAsync(string model, string version, CancellationToken cancellationToken)
    {
        var metadata = await GetAsync(ModelPath(model, version, ""), ServerJsonContext.Default.ModelMetadataJson, cancellationToken).ConfigureAwait(false);
        var config = await GetAsync(ModelPath(model, version, "/config"), ServerJsonContext.Default.ModelConfigJson, cancellationToken).ConfigureAwait(false);
        return new ModelDescription(
            model,
            [.. metadata.Inputs.Select(input => new TensorDescription(input.Name, input.Datatype, [.. input.Shape]))],
            config.MaxBatchSize);
    }

    public async Task<ServerStatistics> ReadStatisticsAsync(string model, string version, CancellationToken cancellationToken)
    {
        var response = await GetAsync(ModelPath(model, version, "/stats"), ServerJsonContext.Default.StatisticsJson, cancellationToken).ConfigureAwait(false);
        var total = ServerStatistics.Zero;
        foreach (var stats in response.ModelStats.Where(s => s.Name == model))
        {
            var inference = stats.InferenceStats;
            total += new ServerStatistics(
                inference.Success.ToDuration(), inference.Fail.ToDuration(), inference.Queue.ToDuration(),
                inference.ComputeInput.ToDuration(), inference.ComputeInfer.ToDuration(), inference.ComputeOutput.ToDuration(),
                stats.InferenceCount, stats.ExecutionCount);
        }

        return total;
    }

    /// <summary><c>v2/models/{m}[/versions/{v}]{suffix}</c>, relative to the server's address.</summary>
    internal static string ModelPath(string model, string version, string suffix) =>
        $"v2/models/{Uri.EscapeDataString(model)}{(version.Length > 0 ? "/versions/" + Uri.EscapeDataString(version) : "")}{suffix}";

    private async Task<T> GetAsync<T>(string path, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(path, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new InvalidOperationException($"GET /{path} answered {(int)response.StatusCode}: {body}");
        }

        return await response.Content.ReadFromJsonAsync(type, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"GET /{path} answered an empty body");
    }
}
