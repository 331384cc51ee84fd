using System.Diagnostics;
using InferenceServer.Core.Tracing;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace InferenceServer.Telemetry;

/// <summary>
/// OpenTelemetry tracing mode's exporter: the OpenTelemetry SDK listens to the spans the request tracer makes
/// (<see cref="RequestTracer.ActivitySourceName"/>) and sends them over OTLP (HTTP/protobuf or gRPC) through its batch
/// span processor, off the request path. The tracer has already sampled (by rate, or the caller's sampled flag), so the
/// SDK records every span it is given. Not started at all in Triton mode.
/// </summary>
internal static class OpenTelemetryTraceExport
{
    public const string DefaultServiceName = "inference-server";

    public static TracerProvider Start(OpenTelemetryTraceOptions options, string serviceVersion)
    {
        var serviceName = options.Resource.LastOrDefault(pair => pair.Key == "service.name").Value ?? DefaultServiceName;
        var resource = ResourceBuilder.CreateEmpty()
            .AddService(serviceName, serviceVersion: serviceVersion)
            .AddAttributes(options.Resource.Where(pair => pair.Key != "service.name").Select(pair => new KeyValuePair<string, object>(pair.Key, pair.Value)));
        return Sdk.CreateTracerProviderBuilder()
            .AddSource(RequestTracer.ActivitySourceName)
            .SetSampler(new AlwaysOnSampler())
            .SetResourceBuilder(resource)
            .AddOtlpExporter(exporter =>
            {
                exporter.Endpoint = new Uri(options.Url);
                exporter.Protocol = options.Protocol == OpenTelemetryTraceOptions.Grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
                exporter.ExportProcessorType = ExportProcessorType.Batch;
                exporter.BatchExportProcessorOptions = new BatchExportProcessorOptions<Activity>
                {
                    MaxQueueSize = options.MaxQueueSize,
                    ScheduledDelayMilliseconds = options.ScheduleDelayMilliseconds,
                    MaxExportBatchSize = options.MaxExportBatchSize,
                };
            })
            .Build();
    }

    /// <summary>Sends the spans still queued (within <paramref name="timeout"/>), then stops the exporter.</summary>
    public static void Stop(TracerProvider? provider, TimeSpan timeout)
    {
        if (provider is null)
        {
            return;
        }

        provider.ForceFlush((int)Math.Min(timeout.TotalMilliseconds, int.MaxValue));
        provider.Dispose();
    }
}
