namespace InferenceServer.Core.Tracing;

/// <summary>
/// OpenTelemetry mode's exporter settings (<c>--trace-config opentelemetry,&lt;setting&gt;=&lt;value&gt;</c>), with Triton's
/// defaults: OTLP over HTTP/protobuf to a local collector, and the SDK's batch span processor sizes and delay.
/// </summary>
/// <param name="Url">Where spans go: for HTTP/protobuf the full <c>/v1/traces</c> URL, for gRPC the collector's address.</param>
/// <param name="Protocol"><c>http/protobuf</c> (Triton's only one) or <c>grpc</c>.</param>
/// <param name="Resource">Resource attributes (<c>service.name</c> defaults to <c>inference-server</c>).</param>
/// <param name="MaxQueueSize">Spans held for export; beyond it new spans are dropped.</param>
/// <param name="ScheduleDelayMilliseconds">Longest wait between exports.</param>
/// <param name="MaxExportBatchSize">Most spans in one export (at most the queue size).</param>
public sealed record OpenTelemetryTraceOptions(
    string Url, string Protocol, IReadOnlyList<KeyValuePair<string, string>> Resource, int MaxQueueSize, int ScheduleDelayMilliseconds, int MaxExportBatchSize)
{
    public const string HttpProtobuf = "http/protobuf";
    public const string Grpc = "grpc";

    public static readonly OpenTelemetryTraceOptions Default = new("http://localhost:4318/v1/traces", HttpProtobuf, [], 2048, 5000, 512);
}
