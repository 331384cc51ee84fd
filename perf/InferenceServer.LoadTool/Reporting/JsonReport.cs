using System.Text.Json;
using System.Text.Json.Serialization;

namespace InferenceServer.LoadTool.Reporting;

/// <summary>The report as JSON (<c>--json-file</c>): <see cref="LoadReport"/> with snake_case names, source-generated.</summary>
public static class JsonReport
{
    public static string Serialize(LoadReport report) => JsonSerializer.Serialize(report, ReportJsonContext.Default.LoadReport);

    public static LoadReport? Deserialize(string json) => JsonSerializer.Deserialize(json, ReportJsonContext.Default.LoadReport);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(LoadReport))]
internal sealed partial class ReportJsonContext : JsonSerializerContext;
