using System.Net;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace InferenceServer.FunctionalTests.Tracing.Otlp;

/// <summary>
/// A small OTLP trace endpoint on loopback, as a collector would be: OTLP/HTTP (<c>POST /v1/traces</c>, protobuf body)
/// on one port and OTLP/gRPC (<c>TraceService/Export</c>) on another. It decodes every export with the test's own
/// subset of the OTLP messages and keeps the spans; tests wait for the spans they expect (signalled on each export).
/// </summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly List<ReceivedSpan> _spans = [];
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private WebApplication? _app;

    /// <summary>The OTLP/HTTP traces URL (Triton's <c>opentelemetry,url</c>).</summary>
    public string HttpUrl { get; private set; } = "";

    /// <summary>The OTLP/gRPC endpoint.</summary>
    public string GrpcUrl { get; private set; } = "";

    public static async Task<OtlpReceiver> StartAsync()
    {
        var receiver = new OtlpReceiver();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(receiver);
        ListenOptions? http = null, grpc = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0, l => { l.Protocols = HttpProtocols.Http1; http = l; });
            kestrel.Listen(IPAddress.Loopback, 0, l => { l.Protocols = HttpProtocols.Http2; grpc = l; });
        });
        var app = receiver._app = builder.Build();
        app.MapPost("/v1/traces", async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            receiver.Add(ExportTraceServiceRequest.Parser.ParseFrom(body.ToArray()));
            context.Response.ContentType = "application/x-protobuf";
            await context.Response.Body.WriteAsync(new ExportTraceServiceResponse().ToByteArray());
        });
        app.MapGrpcService<OtlpGrpcTraceService>();
        await app.StartAsync().WaitAsync(Infrastructure.TestTimeouts.Server);
        receiver.HttpUrl = $"http://127.0.0.1:{http!.IPEndPoint!.Port}/v1/traces";
        receiver.GrpcUrl = $"http://127.0.0.1:{grpc!.IPEndPoint!.Port}";
        return receiver;
    }

    /// <summary>Waits until the spans received so far satisfy <paramref name="done"/>; returns them.</summary>
    public async Task<List<ReceivedSpan>> WaitForAsync(Func<List<ReceivedSpan>, bool> done)
    {
        using var timeout = new CancellationTokenSource(Infrastructure.TestTimeouts.Request);
        while (true)
        {
            Task arrived;
            lock (_gate)
            {
                if (done(_spans))
                {
                    return [.. _spans];
                }

                arrived = _arrived.Task;
            }

            await arrived.WaitAsync(timeout.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app!.StopAsync().WaitAsync(Infrastructure.TestTimeouts.Server);
        await _app.DisposeAsync();
    }

    internal void Add(ExportTraceServiceRequest export)
    {
        lock (_gate)
        {
            foreach (var resource in export.ResourceSpans)
            {
                var service = resource.Resource?.Attributes.FirstOrDefault(a => a.Key == "service.name")?.Value.StringValue ?? "";
                foreach (var scope in resource.ScopeSpans)
                {
                    _spans.AddRange(scope.Spans.Select(span => new ReceivedSpan(span, service)));
                }
            }

            _arrived.TrySetResult();
            _arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }
}
