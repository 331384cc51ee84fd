using Prometheus;

namespace InferenceServer.Hosting;

/// <summary>Serves Prometheus text exposition at <c>/metrics</c> (a trailing '/' accepted, GET only) on the metrics port.</summary>
internal static class MetricsEndpoint
{
    public static async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value;
        if (path is not ("/metrics" or "/metrics/"))
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
        await Metrics.DefaultRegistry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
    }
}
