using System.Diagnostics;
using System.Globalization;
using InferenceServer.Core.Inference.Pipeline;
using InferenceServer.Core.Tracing;
using InferenceServer.Protocols.Http.Routing;
using Microsoft.AspNetCore.Http;

namespace InferenceServer.Protocols.Http.Endpoints;

/// <summary>
/// <c>POST /v2/models/{m}[/versions/{v}]/infer</c>: HTTP's framing (the <c>Inference-Header-Content-Length</c> header and
/// the body), then the request goes through the pipeline with <see cref="HttpInferCodec"/>.
/// </summary>
internal sealed class InferEndpoint(ServerContext server)
{
    /// <summary>Request header carrying the sticky-routing key.</summary>
    public const string RoutingKeyHeader = "x-routing-key";

    /// <summary>W3C trace context headers: the caller's trace, joined in OpenTelemetry tracing mode.</summary>
    public const string TraceParentHeader = "traceparent";

    /// <inheritdoc cref="TraceParentHeader"/>
    public const string TraceStateHeader = "tracestate";

    public async Task InferAsync(HttpContext context, HttpRoute route)
    {
        var received = Stopwatch.GetTimestamp();
        long headerLength = -1;
        var headerValue = context.Request.Headers[InferResponseWriter.HeaderLengthName];
        if (headerValue.Count > 0 && (!long.TryParse(headerValue.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out headerLength) || headerLength < 0))
        {
            await HttpResponses.WriteError(context, 400, $"{InferResponseWriter.HeaderLengthName} must be a non-negative integer, got '{headerValue}'").ConfigureAwait(false);
            return;
        }

        var body = await RequestBodyReader.ReadAsync(context.Request, server.Buffers, server.Options.MaxHttpBodyBytes, context.RequestAborted).ConfigureAwait(false);
        if (body.Error.IsError)
        {
            await HttpResponses.WriteError(context, body.Error).ConfigureAwait(false);
            return;
        }

        var routingKey = context.Request.Headers.TryGetValue(RoutingKeyHeader, out var key) && key.ToString() is { Length: > 0 } given ? given : null;
        var head = new RequestHead(route.Model, route.Version, routingKey, received) { Protocol = TraceProtocol.Http };
        if (server.Tracing.ReadsTraceContext && context.Request.Headers.TryGetValue(TraceParentHeader, out var traceParent))
        {
            head = head with { TraceParent = traceParent.ToString(), TraceState = context.Request.Headers[TraceStateHeader].ToString() };
        }

        await server.Pipeline.RunAsync<HttpInferCodec, bool>(head, new HttpInferCodec(context, body, headerLength, server.Options.MaxJsonDepth, server.SharedMemory)).ConfigureAwait(false);
    }
}
