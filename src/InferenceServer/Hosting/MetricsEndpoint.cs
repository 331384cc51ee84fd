using InferenceServer.Telemetry;

namespace InferenceServer.Hosting;

/// <summary>Serves Prometheus text exposition at <c>/metrics</c> (a trailing '/' accepted, GET only).</summary>
internal sealed class MetricsEndpoint
{
    private readonly ServerMetrics _metrics;

    public MetricsEndpoint(ServerMetrics metrics)
    {
        _metrics = metrics;
    }

    public static bool IsMetricsPath(PathString path) => path.Value is "/metrics" or "/metrics/";

    public async Task HandleAsync(HttpContext context)
    {
        if (!IsMetricsPath(context.Request.Path))
        {
            context.Response.StatusCode = 404;
            return;
        }

        if (context.Request.Method != HttpMethods.Get)
        {
            context.Response.StatusCode = 405;
            return;
        }

        context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        await _metrics.Registry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
    }
}
