using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using InferenceServer.Benchmarks.Infrastructure;
using InferenceServer.Core.Tracing;
using InferenceServer.Protocols.Http;
using Microsoft.Extensions.Logging.Abstractions;
using OpenTelemetry;
using OpenTelemetry.Trace;
using TraceLevel = InferenceServer.Core.Tracing.TraceLevel;

namespace InferenceServer.Benchmarks.Tracing;

/// <summary>
/// What request tracing costs a request, on the whole HTTP handler (binary tensors, <c>simple</c>) as
/// <see cref="Http.HttpInferBenchmarks.HandlerBinary"/> serves it, with every request's after-steps (where spans are
/// written) waited for, so their CPU is in the number: tracing off; OpenTelemetry mode at rate 1/1000 and 1/1, the
/// OpenTelemetry SDK listening through a batch processor as the server's exporter does, its exporter dropping the
/// batches (OTLP serialisation and the network are left out: at 1/1000 they run for a few spans per second, on the
/// exporter's thread); Triton mode at rate 1/1000 writing records to a file. Issue target: OpenTelemetry at 1/1000
/// within 2 % of off (throughput), i.e. the per-request time here within 2 %.
/// </summary>
[MemoryDiagnoser]
public class TracingCostBenchmarks
{
    private const int RequestsPerInvoke = 16;

    private BenchmarkServer _server = null!;
    private KServeHttpHandler _handler = null!;
    private InProcessHttpConnection _binary = null!;
    private static readonly Lock ProviderGate = new();
    private static TracerProvider? _provider;
    private string? _traceFile;

    public enum TracingMode
    {
        Off,
        OpenTelemetry1000,
        OpenTelemetry1,
        Triton1000,
    }

    [Params(TracingMode.Off, TracingMode.OpenTelemetry1000, TracingMode.OpenTelemetry1, TracingMode.Triton1000)]
    public TracingMode Mode { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var settings = Mode switch
        {
            TracingMode.Off => TraceSettings.Default,
            TracingMode.OpenTelemetry1000 => new TraceSettings(TraceLevel.Timestamps, 1000, -1, 0, "", TraceMode.OpenTelemetry),
            TracingMode.OpenTelemetry1 => new TraceSettings(TraceLevel.Timestamps, 1, -1, 0, "", TraceMode.OpenTelemetry),
            _ => new TraceSettings(TraceLevel.Timestamps, 1000, -1, 10_000, _traceFile = Path.Combine(Path.GetTempPath(), $"is-bench-trace-{Guid.NewGuid():N}.json"), TraceMode.Triton),
        };
        if (settings.Mode == TraceMode.OpenTelemetry && settings.CanTrace)
        {
            // One SDK per process, as in the server (and so that two OpenTelemetry modes measured side by side in one
            // process, TracingCostProbe, do not each see the other's spans).
            lock (ProviderGate)
            {
                _provider ??= Sdk.CreateTracerProviderBuilder()
                    .AddSource(RequestTracer.ActivitySourceName)
                    .SetSampler(new AlwaysOnSampler())
                    .AddProcessor(new BatchActivityExportProcessor(new DroppingExporter()))
                    .Build();
            }
        }

        _server = new BenchmarkServer(versions: 1, new RequestTracer(settings, new TraceFilePolicy("")), BenchmarkModels.Simple());
        _handler = new KServeHttpHandler(_server.Context, NullLogger<KServeHttpHandler>.Instance);
        _binary = new InProcessHttpConnection("/v2/models/simple/infer", SimplePayloads.HttpBinaryBody, SimplePayloads.HttpBinaryHeader.Length);
        Handler().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _server.Dispose();
        if (_traceFile is not null)
        {
            File.Delete(_traceFile);
        }
    }

    /// <summary>POST /v2/models/simple/infer, binary tensors, 16 requests one after another, then their after-steps.</summary>
    [Benchmark(OperationsPerInvoke = RequestsPerInvoke)]
    public async Task Handler()
    {
        for (var i = 0; i < RequestsPerInvoke; i++)
        {
            _binary.NextRequest();
            await _handler.HandleAsync(_binary.Context).ConfigureAwait(false);
            if (_binary.StatusCode != 200)
            {
                throw new InvalidOperationException($"the handler answered {_binary.StatusCode}");
            }
        }

        await _server.Context.Pipeline.AfterStepsSettledAsync().ConfigureAwait(false);
    }

    private sealed class DroppingExporter : BaseExporter<Activity>
    {
        public override ExportResult Export(in Batch<Activity> batch) => ExportResult.Success;
    }
}
