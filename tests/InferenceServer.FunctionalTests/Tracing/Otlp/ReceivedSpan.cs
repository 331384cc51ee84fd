using Google.Protobuf;

namespace InferenceServer.FunctionalTests.Tracing.Otlp;

/// <summary>A span as the receiver decoded it, with its ids as lowercase hex (W3C's spelling).</summary>
internal sealed record ReceivedSpan(Span Span, string Service)
{
    public string Name => Span.Name;

    public string TraceId => Hex(Span.TraceId);

    public string SpanId => Hex(Span.SpanId);

    public string ParentSpanId => Hex(Span.ParentSpanId);

    public IEnumerable<(string TraceId, string SpanId)> Links => Span.Links.Select(link => (Hex(link.TraceId), Hex(link.SpanId)));

    public ulong Start => Span.StartTimeUnixNano;

    public ulong End => Span.EndTimeUnixNano;

    public string? Text(string key) => Span.Attributes.FirstOrDefault(a => a.Key == key)?.Value.StringValue;

    public long? Number(string key) => Span.Attributes.FirstOrDefault(a => a.Key == key)?.Value.IntValue;

    public bool? Flag(string key) => Span.Attributes.FirstOrDefault(a => a.Key == key)?.Value.BoolValue;

    private static string Hex(ByteString bytes) => Convert.ToHexStringLower(bytes.Span);
}
