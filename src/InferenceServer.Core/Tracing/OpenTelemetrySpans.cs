using System.Diagnostics;
using InferenceServer.Core.Inference;

namespace InferenceServer.Core.Tracing;

/// <summary>
/// OpenTelemetry mode: a finished trace becomes spans on <see cref="SourceName"/> (the host's OpenTelemetry SDK listens to
/// it and exports over OTLP). One server span per request, child of the caller's span when a traceparent came with it,
/// with a child span per stage: receive, queue, send. The model's execution is one span per batch — a child of the
/// first traced request it served, with a link to every traced request it served — whose children are compute input,
/// infer and compute output: a batch is never written once per request. Spans are made from the recorded timestamps in
/// the after-steps, never on the answer path.
/// </summary>
internal sealed class OpenTelemetrySpans
{
    public const string SourceName = "InferenceServer";

    private static readonly ActivitySource Source = new(SourceName, typeof(OpenTelemetrySpans).Assembly.GetName().Version?.ToString(3));

    private readonly TraceClock _clock = new();

    public void Write(RequestTrace trace, InferenceRequest request, RequestOutcome outcome)
    {
        var end = trace.Answered;
        using var span = Start($"{trace.Model} infer", ActivityKind.Server, trace.Parent, trace.Received, links: null);
        if (span is null)
        {
            return;
        }

        span.SetTag("inference.model.name", trace.Model);
        span.SetTag("inference.model.version", trace.Version);
        span.SetTag("inference.request.id", request.Id);
        span.SetTag("inference.protocol", trace.Protocol == TraceProtocol.Grpc ? "grpc" : trace.Protocol == TraceProtocol.Http ? "http" : "other");
        span.SetTag("inference.request.batch_size", request.BatchSize);
        span.SetTag("inference.trace.id", trace.Id);
        span.SetTag("inference.routing", trace.Routing);
        span.SetTag("inference.shadow.mirrored", trace.ShadowsMirrored);
        span.SetTag("inference.cache.hit", request.AnsweredFromCache);
        if (request.Error.IsError)
        {
            span.SetStatus(ActivityStatusCode.Error, request.Error.Message);
        }

        span.SetTag("inference.outcome", outcome switch
        {
            RequestOutcome.Success => "success",
            RequestOutcome.ClientError => "client_error",
            _ => "server_error",
        });

        Child(span, "receive", trace.Received, trace.Started);
        Child(span, "queue", request.QueuedTimestamp, trace.ComputeStart);
        Child(span, "send", trace.Answering, trace.Answered);
        if (trace.Batch is { } batch && batch.Served(span.Context) is { } served)
        {
            WriteBatch(trace.Model, trace.Version, batch, served);
        }

        span.SetEndTime(_clock.ToUtc(end));
    }

    private void WriteBatch(string model, long version, BatchTrace batch, List<ActivityContext> served)
    {
        var links = served.Select(context => new ActivityLink(context)).ToList();
        using var span = Start($"{model} execute", ActivityKind.Internal, served[0], batch.Start, links);
        if (span is null)
        {
            return;
        }

        span.SetTag("inference.model.name", model);
        span.SetTag("inference.model.version", version);
        span.SetTag("inference.batch.requests", batch.Requests);
        span.SetTag("inference.batch.size", batch.Rows);
        Child(span, "compute_input", batch.Start, batch.InputEnd);
        Child(span, "infer", batch.InputEnd, batch.OutputStart);
        Child(span, "compute_output", batch.OutputStart, batch.End);
        span.SetEndTime(_clock.ToUtc(batch.End));
    }

    private void Child(Activity parent, string name, long start, long end)
    {
        if (start == 0 || end == 0)
        {
            return;
        }

        using var span = Start(name, ActivityKind.Internal, parent.Context, start, links: null);
        span?.SetEndTime(_clock.ToUtc(end));
    }

    private Activity? Start(string name, ActivityKind kind, ActivityContext parent, long start, IEnumerable<ActivityLink>? links)
    {
        var span = Source.CreateActivity(name, kind, parent, tags: null, links: links);
        if (span is null)
        {
            return null;
        }

        span.SetStartTime(_clock.ToUtc(start));
        return span.Start();
    }
}
