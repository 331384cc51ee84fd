using System.Text.Json;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Models;
using InferenceServer.Core.Telemetry.Profiles;
using Microsoft.AspNetCore.Http;

namespace InferenceServer.Protocols.Http.Endpoints;

/// <summary>
/// What can be read about a model: metadata, readiness, configuration, statistics, drift and latency sketches. A request
/// that names no version covers every ready version of the model (a canary and its primary are reported apart).
/// </summary>
internal sealed class ModelEndpoints(ServerContext server)
{
    public Task Metadata(HttpContext context, string name, string version)
    {
        var error = server.Models.TryResolve(name, version, out var model);
        if (error.IsError)
        {
            return HttpResponses.WriteError(context, error);
        }

        var json = JsonResponseBuffer.Rent();
        MetadataJson.WriteModelMetadata(json.Writer, model!, server.Models.VersionsOf(name, version, model!));
        return HttpResponses.WriteJson(context, json);
    }

    public Task Ready(HttpContext context, string name, string version)
    {
        var error = server.Models.TryResolve(name, version, out _);
        return error.Code switch
        {
            InferenceErrorCode.None => HttpResponses.WriteEmpty(context, server.IsLive ? 200 : 400),
            InferenceErrorCode.Unavailable => HttpResponses.WriteError(context, 400, "Model version not ready"),
            _ => HttpResponses.WriteError(context, error),
        };
    }

    public Task Config(HttpContext context, string name, string version)
    {
        var error = server.Models.TryResolve(name, version, out var model);
        if (error.IsError)
        {
            return HttpResponses.WriteError(context, error);
        }

        var json = JsonResponseBuffer.Rent();
        MetadataJson.WriteConfig(json.Writer, model!);
        return HttpResponses.WriteJson(context, json);
    }

    /// <param name="name">The model, or null for every model's ready versions.</param>
    public Task Statistics(HttpContext context, string? name, string version)
    {
        IEnumerable<ModelVersion> versions;
        if (name is null)
        {
            versions = server.Models.Table.Models.Values.OrderBy(e => e.Name, StringComparer.Ordinal).SelectMany(e => e.ReadyVersions);
        }
        else
        {
            var error = server.Models.TryResolve(name, version, out var model);
            if (error.IsError)
            {
                return HttpResponses.WriteError(context, 400, $"requested model '{name}' is not available: {error.Message}");
            }

            versions = server.Models.VersionsOf(name, version, model!);
        }

        var json = JsonResponseBuffer.Rent();
        MetadataJson.WriteStatistics(json.Writer, versions);
        return HttpResponses.WriteJson(context, json);
    }

    // With a canary, each other version's outputs are also scored against the primary's.
    public Task Drift(HttpContext context, string name, string version) =>
        WriteVersionsJson(context, name, version, (writer, versions) => TelemetryJson.WriteDrift(writer, versions, PrimaryOf(name)));

    public Task Sketches(HttpContext context, string name, string version) => WriteVersionsJson(context, name, version, TelemetryJson.WriteLatencySketches);

    private ModelVersion? PrimaryOf(string name) =>
        server.Models.Table.Models.TryGetValue(name, out var entry) && entry.Traffic is { } traffic && PrimaryComparison.PrimaryOf(traffic.Policy) is { } primary
            ? server.Models.Find(name, primary)
            : null;

    private Task WriteVersionsJson(HttpContext context, string name, string version, Action<Utf8JsonWriter, IEnumerable<ModelVersion>> write)
    {
        var error = server.Models.TryResolve(name, version, out var model);
        if (error.IsError)
        {
            return HttpResponses.WriteError(context, error);
        }

        var json = JsonResponseBuffer.Rent();
        write(json.Writer, server.Models.VersionsOf(name, version, model!));
        return HttpResponses.WriteJson(context, json);
    }
}
